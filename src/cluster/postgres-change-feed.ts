import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log.js';
import type { ChangeFeed, ClusterEvent, ClusterEventListener } from './change-feed.js';

export interface PostgresChangeFeedOptions {
  connectionString: string;
  /** Schema of the deployment's tables: the channel is named after it, so deployments in other schemas hear nothing. */
  schema: string;
  log: Logger;
  /** Wait before the first reconnection attempt, in ms; doubles on each failure. @default 100 */
  reconnectDelayMs?: number;
  /** Longest wait between reconnection attempts, in ms. @default 2000 */
  maxReconnectDelayMs?: number;
}

/** What travels in a NOTIFY payload: the event, and who sent it (so an instance skips its own). */
interface Envelope {
  origin: string;
  event: ClusterEvent;
}

// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
const MAX_PAYLOAD_BYTES = 7_900;
// A Record, so adding an event type to the contract without listing it here does not compile.
const KNOWN_EVENT_TYPES: Record<ClusterEvent['type'], true> = {
  'registry-changed': true,
  'consumers-changed': true,
  'cache-invalidated': true,
  'cache-policies-changed': true,
};
const EVENT_TYPES = new Set<string>(Object.keys(KNOWN_EVENT_TYPES));

/** The NOTIFY channel of a schema: an identifier of at most 63 bytes, distinct for distinct schemas. */
export function changeFeedChannel(schema: string): string {
  const plain = `gatehouse_${schema}`;
  if (plain.length <= 63) return plain;
  // Longer names would be truncated by LISTEN, and two long schemas sharing a prefix would share a channel.
  return `gatehouse_${schema.slice(0, 44)}_${createHash('sha256').update(schema).digest('hex').slice(0, 8)}`;
}

/**
 * The change feed of instances sharing one PostgreSQL schema, over LISTEN/NOTIFY on one dedicated
 * connection (a pooled one would drop the LISTEN when returned). Events are sent on the same
 * connection, right after the write they describe has committed. A lost connection is
 * re-established by itself, with backoff; once it is back the `onReconnect` listeners run, since
 * notifications sent meanwhile are gone. Connection failures are logged, never thrown at the process.
 */
export class PostgresChangeFeed implements ChangeFeed {
  readonly #connectionString: string;
  readonly #channel: string;
  readonly #log: Logger;
  readonly #reconnectDelayMs: number;
  readonly #maxReconnectDelayMs: number;
  readonly #origin = randomUUID();
  readonly #listeners = new Set<ClusterEventListener>();
  readonly #reconnectListeners = new Set<() => void>();
  /** Connected and listening; undefined while (re)connecting. */
  #client: pg.Client | undefined;
  #failedAttempts = 0;
  /** Whether events may have been missed since the last connection: the next one must say so. */
  #missed = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor({ connectionString, schema, log, reconnectDelayMs = 100, maxReconnectDelayMs = 2_000 }: PostgresChangeFeedOptions) {
    this.#connectionString = connectionString;
    this.#channel = changeFeedChannel(schema);
    this.#log = log.child({ component: 'change-feed' });
    this.#reconnectDelayMs = reconnectDelayMs;
    this.#maxReconnectDelayMs = maxReconnectDelayMs;
  }

  /** Whether the feed is listening right now. */
  get isConnected(): boolean {
    return this.#client !== undefined;
  }

  /**
   * Connects and listens. A failure does not reject: the feed keeps trying in the background and
   * calls the `onReconnect` listeners once it is up (the version poll covers the meantime).
   */
  async start(): Promise<void> {
    await this.#connect();
  }

  async publish(event: ClusterEvent): Promise<void> {
    // This instance first, at once: it must not depend on the round trip, or on the connection.
    this.#deliver(event);
    const client = this.#client;
    if (!client) throw new Error('The change feed is not connected: other instances will catch up by polling.');
    await client.query('select pg_notify($1, $2)', [this.#channel, payloadOf({ origin: this.#origin, event })]);
  }

  subscribe(listener: ClusterEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    this.#listeners.clear();
    this.#reconnectListeners.clear();
    await client?.end();
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#connectionString,
      application_name: 'gatehouse-change-feed',
      connectionTimeoutMillis: 10_000,
      // A connection that dies silently (a dropped route) is noticed by the kernel, not just at the next NOTIFY.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      // A server that accepts but never answers must not hold an admin write that is announcing itself.
      query_timeout: 5_000,
    });
    // Always handled: an 'error' event without a listener would end the process.
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client));
    client.on('notification', (message) => {
      if (message.channel === this.#channel && message.payload !== undefined) this.#receive(message.payload);
    });
    try {
      await client.connect();
      await client.query(`listen "${this.#channel}"`);
    } catch (error) {
      // Releases the socket if the connect half-succeeded; its own failure says nothing new.
      client.end().catch(() => {});
      this.#missed = true;
      // Once per outage at warn level; every further attempt at debug (they come every few seconds).
      const level = this.#failedAttempts === 0 ? 'warn' : 'debug';
      this.#log[level]({ err: error, attempt: this.#failedAttempts + 1 }, 'change feed could not connect; retrying');
      this.#scheduleReconnect();
      return;
    }
    if (this.#closed) {
      await client.end();
      return;
    }
    this.#client = client;
    const attempts = this.#failedAttempts + 1;
    this.#failedAttempts = 0;
    if (!this.#missed) return;
    this.#missed = false;
    this.#log.info({ channel: this.#channel, attempts }, 'change feed reconnected');
    for (const listener of this.#reconnectListeners) this.#call(listener);
  }

  #lost(client: pg.Client, error?: Error): void {
    // 'error' and 'end' both fire for one failure, and a client that never connected fails in #connect.
    if (client !== this.#client) return;
    this.#client = undefined;
    this.#missed = true;
    if (this.#closed) return;
    this.#log.warn({ err: error }, 'change feed connection lost; reconnecting');
    client.end().catch(() => {});
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    const ceiling = Math.min(this.#maxReconnectDelayMs, this.#reconnectDelayMs * 2 ** this.#failedAttempts);
    this.#failedAttempts++;
    // Jittered, so instances that lost the same server don't all knock at once when it returns.
    const delayMs = Math.round(ceiling * (0.5 + Math.random() / 2));
    this.#retryTimer = setTimeout(() => void this.#connect(), delayMs);
    // The feed alone must not keep a process alive that has nothing else to do.
    this.#retryTimer.unref();
  }

  #receive(payload: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      this.#log.warn({ bytes: payload.length }, 'change feed payload is not JSON; ignored');
      return;
    }
    if (envelope.origin === this.#origin) return;
    if (!EVENT_TYPES.has(envelope.event?.type)) {
      // A newer Gatehouse may send events this one does not know: they are hints, nothing is lost.
      this.#log.debug({ type: envelope.event?.type }, 'unknown change feed event ignored');
      return;
    }
    this.#deliver(envelope.event);
  }

  #deliver(event: ClusterEvent): void {
    for (const listener of this.#listeners) this.#call(() => listener(event));
  }

  /** A listener that throws must not break the connection's message handling or the other listeners. */
  #call(listener: () => void): void {
    try {
      listener();
    } catch (error) {
      this.#log.error({ err: error }, 'change feed listener failed');
    }
  }
}

/** The envelope as JSON; an event too large for NOTIFY is sent without its details (listeners then drop more). */
function payloadOf(envelope: Envelope): string {
  const payload = JSON.stringify(envelope);
  if (Buffer.byteLength(payload) < MAX_PAYLOAD_BYTES) return payload;
  const { event } = envelope;
  const bare: ClusterEvent =
    event.type === 'consumers-changed' ? { type: event.type, what: event.what } : event.type === 'cache-invalidated' ? { type: event.type, scope: 'all' } : event;
  return JSON.stringify({ origin: envelope.origin, event: bare });
}
