import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../src/cluster/change-feed.js';
import { changeFeedChannel, PostgresChangeFeed } from '../../src/cluster/postgres-change-feed.js';
import { createLogger } from '../../src/log.js';
import { runSql, testDatabaseUrl, uniqueSchemaName } from '../store/engines.js';

const log = createLogger('silent');

/** Events a feed's listener received, and a way to wait for the next ones. */
function recorder(feed: PostgresChangeFeed) {
  const events: ClusterEvent[] = [];
  let waiters: Array<() => void> = [];
  feed.subscribe((event) => {
    events.push(event);
    for (const waiter of waiters) waiter();
  });
  return {
    events,
    /** Resolves once `count` events have arrived, or fails after `timeoutMs`. */
    until(count: number, timeoutMs = 5_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (events.length < count) return;
          clearTimeout(timer);
          waiters = waiters.filter((waiter) => waiter !== check);
          resolve();
        };
        const timer = setTimeout(() => reject(new Error(`${events.length} of ${count} events within ${timeoutMs} ms: ${JSON.stringify(events)}`)), timeoutMs);
        waiters.push(check);
        check();
      });
    },
  };
}

describe('PostgreSQL change feed', () => {
  const feeds: PostgresChangeFeed[] = [];
  afterEach(async () => {
    await Promise.all(feeds.splice(0).map((feed) => feed.close()));
  });
  async function openFeed(schema: string, connectionString = testDatabaseUrl): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed({ connectionString, schema, log, reconnectDelayMs: 20, maxReconnectDelayMs: 200 });
    feeds.push(feed);
    await feed.start();
    return feed;
  }

  it('tells the other instances on the schema once, and its own listeners at once, not again via PostgreSQL', async () => {
    const schema = uniqueSchemaName();
    const [a, b] = [await openFeed(schema), await openFeed(schema)];
    const [heardByA, heardByB] = [recorder(a), recorder(b)];

    const first: ClusterEvent = { type: 'registry-changed', version: 7 };
    const publishing = a.publish(first);
    // Delivered to A's own listeners inside publish(), before any round trip.
    expect(heardByA.events).toEqual([first]);
    await publishing;
    await heardByB.until(1);
    expect(heardByB.events).toEqual([first]);

    // PostgreSQL delivers notifications in commit order: once B's arrives at A, A's own
    // notification (sent earlier) has arrived too, and was skipped.
    const second: ClusterEvent = { type: 'consumers-changed', what: 'api-key', id: 'key-1' };
    await b.publish(second);
    await heardByA.until(2);
    expect(heardByA.events).toEqual([first, second]);
    expect(heardByB.events).toEqual([first, second]);
  });

  it('keeps deployments in different schemas apart', async () => {
    const [mine, theirs] = [uniqueSchemaName(), uniqueSchemaName()];
    const a = await openFeed(mine);
    const [c, d] = [await openFeed(theirs), await openFeed(theirs)];
    const heardByD = recorder(d);

    await a.publish({ type: 'registry-changed', version: 1 });
    await c.publish({ type: 'registry-changed', version: 2 });
    // Committed after A's: had D been listening to A's channel, A's event would have come first.
    await heardByD.until(1);
    expect(heardByD.events).toEqual([{ type: 'registry-changed', version: 2 }]);
  });

  it('reconnects by itself when its connection is killed, says so, and hears events again', async () => {
    const schema = uniqueSchemaName();
    const [a, b] = [await openFeed(schema), await openFeed(schema)];
    const heardByA = recorder(a);
    let reconnects = 0;
    const reconnected = new Promise<void>((resolve) =>
      a.onReconnect(() => {
        reconnects++;
        resolve();
      }),
    );
    const otherReconnected = new Promise<void>((resolve) => b.onReconnect(resolve));

    // Both feeds' connections last ran the LISTEN; killing them is what a server restart does to them.
    const killed = await runSql<{ killed: boolean }>(
      `select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = 'gatehouse-change-feed' and query = $1`,
      [`listen "${changeFeedChannel(schema)}"`],
    );
    expect(killed.map((row) => row.killed)).toEqual([true, true]);
    await Promise.all([reconnected, otherReconnected]);
    expect(reconnects).toBe(1);
    expect([a.isConnected, b.isConnected]).toEqual([true, true]);
    await b.publish({ type: 'registry-changed', version: 3 });
    await heardByA.until(1);
    expect(heardByA.events).toEqual([{ type: 'registry-changed', version: 3 }]);
  });

  it('starts without a server, fails publish() without failing the local listeners, and never throws at the process', async () => {
    // A port nobody listens on: every connection attempt is refused.
    const feed = await openFeed(uniqueSchemaName(), 'postgres://postgres@127.0.0.1:1/test');
    const heard = recorder(feed);
    expect(feed.isConnected).toBe(false);
    await expect(feed.publish({ type: 'consumers-changed', what: 'plan', name: 'gold' })).rejects.toThrow(/not connected/);
    expect(heard.events).toEqual([{ type: 'consumers-changed', what: 'plan', name: 'gold' }]);
  });

  it('derives a channel of at most 63 bytes, distinct for long schema names that share a prefix', () => {
    const long = 'a'.repeat(60);
    expect(changeFeedChannel('gatehouse')).toBe('gatehouse_gatehouse');
    expect(changeFeedChannel(`${long}_1`).length).toBeLessThanOrEqual(63);
    expect(changeFeedChannel(`${long}_1`)).not.toBe(changeFeedChannel(`${long}_2`));
  });
});
