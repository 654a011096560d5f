import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryBudget, type Budget, type SpendRequest } from '../../src/store/counters/budget.js';
import { quotaPeriodAt, type QuotaLimits } from '../../src/store/counters/quota-counter.js';
import { RedisBudget } from '../../src/store/counters/redis-budget.js';
import { freshKeyspace, sharedRedisUrl, startOwnRedis, type RedisKeyspace } from '../helpers/own-redis.js';

const T0 = Date.UTC(2030, 0, 15, 12, 0, 0);
const perSecond = (limit: number) => ({ limit, windowSeconds: 1 });
const daily = (requests: number | null, costPoints: number | null = null): QuotaLimits => ({ period: 'DAY', requests, costPoints });

interface Strategy {
  name: string;
  /** A budget whose keys no other test sees. */
  fresh(): Promise<Budget>;
}

let keyspace: RedisKeyspace;
const clients: Redis[] = [];

beforeAll(async () => {
  keyspace = await freshKeyspace();
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await keyspace?.[Symbol.asyncDispose]();
});

let budgets = 0;
function redisBudget(client: Redis, clock: 'caller' | 'redis' = 'caller', prefix = `${keyspace.prefix}${budgets++}:`) {
  return new RedisBudget(client, { keyPrefix: prefix, clock });
}
async function newClient(url = sharedRedisUrl): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  clients.push(client);
  await client.connect();
  return client;
}

// Kong's each_strategy: the same cases against the in-memory and the Redis budget.
const strategies: Strategy[] = [
  { name: 'in memory', fresh: async () => new InMemoryBudget() },
  { name: 'Redis', fresh: async () => redisBudget(await newClient()) },
];

const spendOn = (budget: Budget) => (request: Partial<SpendRequest> & { points: number; now: number }) =>
  budget.spend({ key: 'a', rate: undefined, quota: undefined, ...request });

describe.each(strategies)('budget ($name)', ({ fresh }) => {
  it('GCRA: admits a full window at once, then one point per emission interval', async () => {
    const spend = spendOn(await fresh());
    expect(await spend({ points: 100, rate: perSecond(100), now: T0 })).toEqual({
      allowed: true,
      rate: { allowed: true, remaining: 0, resetAt: new Date(T0 + 1_000), retryAfterSeconds: 0 },
      quota: undefined,
    });
    expect(await spend({ points: 1, rate: perSecond(100), now: T0 })).toMatchObject({
      allowed: false,
      refusedBy: 'rate',
      rate: { allowed: false, remaining: 0, retryAfterSeconds: 1 },
    });
    expect(await spend({ points: 1, rate: perSecond(100), now: T0 + 10 })).toMatchObject({ allowed: true, rate: { remaining: 0 } });
    expect(await spend({ points: 100, rate: perSecond(100), now: T0 + 1_010 })).toMatchObject({ allowed: true, rate: { remaining: 0 } });
  });

  it('GCRA: takes nothing from a refused request, and says when it fits and when the budget is whole', async () => {
    const spend = spendOn(await fresh());
    expect((await spend({ points: 60, rate: perSecond(100), now: T0 })).rate?.remaining).toBe(40);
    expect(await spend({ points: 60, rate: perSecond(100), now: T0 })).toMatchObject({ allowed: false, rate: { remaining: 40, retryAfterSeconds: 1 } });
    expect(await spend({ points: 40, rate: perSecond(100), now: T0 })).toMatchObject({ allowed: true, rate: { remaining: 0 } });

    const window = { limit: 10, windowSeconds: 60 };
    expect((await spend({ key: 'b', points: 10, rate: window, now: T0 })).rate?.resetAt).toEqual(new Date(T0 + 60_000));
    // One point comes back every 6 s; 4 points need 24 s.
    expect(await spend({ key: 'b', points: 4, rate: window, now: T0 + 1_000 })).toMatchObject({ allowed: false, rate: { retryAfterSeconds: 23 } });
    expect(await spend({ key: 'b', points: 4, rate: window, now: T0 + 24_000 })).toMatchObject({ allowed: true, rate: { remaining: 0 } });
  });

  it('GCRA: windows that do not divide evenly, and a cost larger than the window', async () => {
    const spend = spendOn(await fresh());
    for (let i = 0; i < 3; i++) expect((await spend({ points: 1, rate: perSecond(3), now: T0 })).allowed).toBe(true);
    expect((await spend({ points: 1, rate: perSecond(3), now: T0 })).allowed).toBe(false);
    expect((await spend({ points: 1, rate: perSecond(3), now: T0 + 334 })).allowed).toBe(true);
    expect(await spend({ key: 'c', points: 101, rate: perSecond(100), now: T0 })).toMatchObject({ allowed: false, rate: { retryAfterSeconds: 1 } });
  });

  it('peeks without spending, and keeps keys apart', async () => {
    const budget = await fresh();
    await budget.spend({ key: 'a', points: 30, rate: perSecond(100), quota: undefined, now: T0 });
    expect(await budget.peek('a', perSecond(100), T0)).toMatchObject({ allowed: true, remaining: 70 });
    expect(await budget.peek('a', perSecond(100), T0)).toMatchObject({ remaining: 70 });
    expect(await budget.peek('b', perSecond(100), T0)).toMatchObject({ remaining: 100, resetAt: new Date(T0) });
  });

  it('quota: counts requests per UTC day and restarts at midnight', async () => {
    const spend = spendOn(await fresh());
    const lateEvening = Date.UTC(2030, 0, 15, 23, 59, 0);
    expect(await spend({ points: 5, quota: daily(2), now: lateEvening })).toMatchObject({ allowed: true, quota: { used: { costPoints: 5, requests: 1 } } });
    expect(await spend({ points: 5, quota: daily(2), now: lateEvening })).toMatchObject({ allowed: true, quota: { used: { costPoints: 10, requests: 2 } } });
    expect(await spend({ points: 5, quota: daily(2), now: lateEvening })).toEqual({
      allowed: false,
      refusedBy: 'quota',
      rate: undefined,
      quota: { allowed: false, exceeded: 'requests', used: { costPoints: 10, requests: 2 }, resetAt: new Date(Date.UTC(2030, 0, 16)) },
    });
    expect(await spend({ points: 5, quota: daily(2), now: Date.UTC(2030, 0, 16, 0, 0, 1) })).toMatchObject({
      allowed: true,
      quota: { used: { costPoints: 5, requests: 1 } },
    });
  });

  it('quota: ends months on UTC calendar boundaries', async () => {
    const budget = await fresh();
    const dates = [Date.UTC(2030, 0, 31, 23, 59, 59), Date.UTC(2030, 11, 31, 12), Date.UTC(2032, 1, 29, 6), Date.UTC(2030, 1, 28, 12), Date.UTC(2031, 2, 1)];
    for (const [i, now] of dates.entries()) {
      const decision = await budget.spend({ key: `m${i}`, points: 1, rate: undefined, quota: { period: 'MONTH', requests: 10, costPoints: null }, now });
      expect(decision.quota?.resetAt).toEqual(new Date(quotaPeriodAt('MONTH', now).endsAt));
    }
  });

  it('quota first: refused by the quota, the rate budget is only shown', async () => {
    const spend = spendOn(await fresh());
    const plan = { rate: perSecond(100), quota: daily(null, 50) };
    expect(await spend({ points: 40, ...plan, now: T0 })).toMatchObject({ allowed: true, rate: { remaining: 60 }, quota: { used: { costPoints: 40 } } });
    expect(await spend({ points: 20, ...plan, now: T0 })).toMatchObject({
      allowed: false,
      refusedBy: 'quota',
      quota: { exceeded: 'costPoints', used: { costPoints: 40, requests: 1 } },
      rate: { allowed: true, remaining: 60 },
    });
    expect(await spend({ points: 60, rate: perSecond(100), now: T0 })).toMatchObject({ allowed: true, rate: { remaining: 0 } });
  });

  it('refused by the rate, the quota is not spent', async () => {
    const spend = spendOn(await fresh());
    const plan = { rate: perSecond(10), quota: daily(3) };
    expect((await spend({ points: 10, ...plan, now: T0 })).allowed).toBe(true);
    expect(await spend({ points: 1, ...plan, now: T0 })).toMatchObject({ allowed: false, refusedBy: 'rate', quota: undefined });
    expect(await spend({ points: 1, ...plan, now: T0 })).toMatchObject({ allowed: false, refusedBy: 'rate' });
    // Two refused operations counted nothing: two more requests fit the quota of 3.
    expect(await spend({ points: 1, ...plan, now: T0 + 1_000 })).toMatchObject({ allowed: true, quota: { used: { requests: 2 } } });
    expect(await spend({ points: 1, ...plan, now: T0 + 1_000 })).toMatchObject({ allowed: true, quota: { used: { requests: 3 } } });
    expect(await spend({ points: 1, ...plan, now: T0 + 2_000 })).toMatchObject({ allowed: false, refusedBy: 'quota' });
  });
});

describe('Redis budget', () => {
  it('is atomic across connections: 300 concurrent spends of a 100-point budget admit exactly 100', async () => {
    const [one, two] = [await newClient(), await newClient()];
    const prefix = `${keyspace.prefix}atomic:`;
    const a = redisBudget(one, 'caller', prefix);
    const b = redisBudget(two, 'caller', prefix);
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => (i % 2 ? a : b).spend({ key: 'k', points: 1, rate: { limit: 100, windowSeconds: 3_600 }, quota: daily(250), now: T0 })),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(100);
    expect(results.filter((r) => !r.allowed && r.refusedBy === 'rate')).toHaveLength(200);
    expect((await a.spend({ key: 'k', points: 1, rate: undefined, quota: daily(250), now: T0 })).quota?.used.requests).toBe(101);
  });

  it('gives every key a TTL: a rate key while its budget refills (plus grace), a quota key until its period ends', async () => {
    const prefix = `${keyspace.prefix}ttl:`;
    const budget = new RedisBudget(await newClient(), { keyPrefix: prefix, clock: 'caller', graceMs: 5_000 });
    await budget.spend({ key: 'consumer:x', points: 10, rate: { limit: 10, windowSeconds: 60 }, quota: daily(10), now: Date.UTC(2030, 0, 15, 23, 0) });
    const keys = (await keyspace.keys()).filter((key) => key.startsWith(prefix)).sort();
    expect(keys).toEqual([`${prefix}quota:{consumer:x}`, `${prefix}rate:{consumer:x}`]);
    const [quotaTtl, rateTtl] = await Promise.all(keys.map((key) => keyspace.client.pttl(key)));
    expect(quotaTtl).toBeGreaterThan(3_600_000 - 10_000);
    expect(quotaTtl).toBeLessThanOrEqual(3_600_000 + 5_000);
    expect(rateTtl).toBeGreaterThan(60_000);
    expect(rateTtl).toBeLessThanOrEqual(65_000);
  });

  it("decides on Redis's clock when asked to, with dates on the caller's", async () => {
    const budget = redisBudget(await newClient(), 'redis');
    // The caller's clock is far off (2030): the window is still whole, since only Redis's TIME counts.
    const first = await budget.spend({ key: 'k', points: 10, rate: { limit: 10, windowSeconds: 60 }, quota: undefined, now: T0 });
    expect(first).toMatchObject({ allowed: true, rate: { remaining: 0, resetAt: new Date(T0 + 60_000) } });
    const refused = await budget.spend({ key: 'k', points: 1, rate: { limit: 10, windowSeconds: 60 }, quota: undefined, now: T0 + 3_600_000 });
    expect(refused).toMatchObject({ allowed: false, refusedBy: 'rate' });
    const quota = await budget.spend({ key: 'q', points: 1, rate: undefined, quota: daily(5), now: T0 });
    const [seconds] = await keyspace.client.time();
    const serverNow = Number(seconds) * 1_000;
    // The period's end on Redis's clock, expressed on the caller's.
    expect(quota.quota!.resetAt.getTime() - T0).toBeCloseTo(quotaPeriodAt('DAY', serverNow).endsAt - serverNow, -4);
  });

  it('makes one round trip per spend (EVALSHA), and reloads its script once after Redis forgot it', async () => {
    await using redis = await startOwnRedis();
    const client = await newClient(redis.url);
    const budget = redisBudget(client);
    await budget.spend({ key: 'warm', points: 1, rate: perSecond(10), quota: daily(10), now: T0 });
    // MONITOR shows every command a client sent ("lua" marks the script's own calls).
    const monitor = await (await newClient(redis.url)).monitor();
    clients.push(monitor);
    const sent: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua') sent.push(args[0]!.toLowerCase());
    });
    const sentUpTo = async (marker: string) => {
      await client.echo(marker);
      await expect.poll(() => sent.includes('echo'), { timeout: 5_000 }).toBe(true);
      return sent.splice(0).slice(0, -1);
    };

    for (let i = 0; i < 10; i++) await budget.spend({ key: `k${i}`, points: 1, rate: perSecond(10), quota: daily(10), now: T0 });
    expect(await sentUpTo('spent')).toEqual(Array(10).fill('evalsha'));

    await client.script('FLUSH');
    await sentUpTo('flushed');
    expect((await budget.spend({ key: 'again', points: 1, rate: perSecond(10), quota: undefined, now: T0 })).allowed).toBe(true);
    expect((await budget.spend({ key: 'again', points: 1, rate: perSecond(10), quota: undefined, now: T0 })).rate?.remaining).toBe(8);
    expect(await sentUpTo('reloaded')).toEqual(['evalsha', 'eval', 'evalsha']);
  });
});
