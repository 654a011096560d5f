import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isRedisUnavailable } from '../../src/cluster/redis.js';
import type { RedisConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import type { Budget, SpendDecision } from '../../src/store/counters/budget.js';
import { openBudget } from '../../src/store/counters/open-budget.js';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis.js';

const T0 = Date.UTC(2030, 0, 15, 12, 0, 0);
const threePerHour = { limit: 3, windowSeconds: 3_600 };

/** Log lines kept as objects, to count the transitions. */
function capturedLog() {
  const lines: Array<{ msg: string; level: number }> = [];
  const log = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string; level: number }) });
  const count = (pattern: RegExp) => lines.filter((line) => pattern.test(line.msg)).length;
  return { log, lines, count };
}

function redisConfig(redis: OwnRedis, overrides: Partial<RedisConfig> = {}): RedisConfig {
  return { url: redis.url, options: {}, keyPrefix: 'failover:', failure: 'open', commandTimeoutMs: 100, connectTimeoutMs: 1_000, ...overrides };
}

async function spendMany(budget: Budget, key: string, count: number): Promise<SpendDecision[]> {
  const decisions: SpendDecision[] = [];
  for (let i = 0; i < count; i++) decisions.push(await budget.spend({ key, points: 1, rate: threePerHour, quota: undefined, now: T0 }));
  return decisions;
}
const admitted = (decisions: SpendDecision[]) => decisions.filter((d) => d.allowed).length;

async function keysOf(redis: OwnRedis): Promise<string[]> {
  const client = new Redis(redis.url, { lazyConnect: true });
  try {
    await client.connect();
    return (await client.keys('failover:*')).sort();
  } finally {
    client.disconnect();
  }
}

describe('when Redis is unreachable', () => {
  it('open: counts in memory at the same budget, logs once each way, and goes back to Redis', async () => {
    await using redis = await startOwnRedis();
    const { log, count } = capturedLog();
    const opened = await openBudget(redisConfig(redis), log, { callerClock: true });
    try {
      const { budget } = opened;
      expect(admitted(await spendMany(budget, 'before', 5))).toBe(3);
      expect(await keysOf(redis)).toEqual(['failover:rate:{before}']);

      await redis.stop();
      // Each instance has the whole budget of its own while Redis is away (the documented overshoot).
      expect(admitted(await spendMany(budget, 'before', 5))).toBe(3);
      const during = await spendMany(budget, 'during', 20);
      expect(admitted(during)).toBe(3);
      expect(during.filter((d) => !d.allowed).every((d) => !d.allowed && d.refusedBy === 'rate')).toBe(true);
      expect(await budget.peek('during', threePerHour, T0)).toMatchObject({ remaining: 0 });
      expect(count(/unreachable: counting per instance/)).toBe(1);

      await redis.start();
      await expect.poll(() => count(/reachable again/), { timeout: 10_000 }).toBe(1);
      // A restarted Redis is empty: counting starts over there, and there only.
      expect(admitted(await spendMany(budget, 'after', 5))).toBe(3);
      expect(await keysOf(redis)).toEqual(['failover:rate:{after}']);
      expect(count(/unreachable/)).toBe(1);
    } finally {
      await opened.close();
    }
  });

  it('closed: refuses limited spends as unavailable, shows no budget, and recovers', async () => {
    await using redis = await startOwnRedis();
    const { log, count } = capturedLog();
    const opened = await openBudget(redisConfig(redis, { failure: 'closed' }), log, { callerClock: true });
    try {
      const { budget } = opened;
      expect(admitted(await spendMany(budget, 'k', 1))).toBe(1);
      await redis.stop();
      const refused = await spendMany(budget, 'k', 5);
      expect(refused.every((d) => !d.allowed && d.refusedBy === 'unavailable')).toBe(true);
      expect(await budget.peek('k', threePerHour, T0)).toBeUndefined();
      expect(count(/refusing rate-limited requests/)).toBe(1);

      await redis.start();
      await expect.poll(() => count(/reachable again/), { timeout: 10_000 }).toBe(1);
      expect(admitted(await spendMany(budget, 'k', 5))).toBe(3);
    } finally {
      await opened.close();
    }
  });

  it('a Redis that hangs costs one command timeout, then nothing until it answers again', async () => {
    await using redis = await startOwnRedis();
    const { log, count } = capturedLog();
    const opened = await openBudget(redisConfig(redis), log, { callerClock: true });
    try {
      const { budget } = opened;
      expect(admitted(await spendMany(budget, 'warm', 1))).toBe(1);
      redis.pause();
      const started = performance.now();
      // Concurrent requests all find out within the 100 ms timeout, not after TCP gives up.
      const concurrent = await Promise.all(Array.from({ length: 10 }, () => budget.spend({ key: 'h', points: 1, rate: threePerHour, quota: undefined, now: T0 })));
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(admitted(concurrent)).toBe(3);
      const next = performance.now();
      await spendMany(budget, 'h2', 10);
      expect(performance.now() - next).toBeLessThan(100);
      expect(count(/unreachable/)).toBe(1);

      redis.resume();
      await expect.poll(() => count(/reachable again/), { timeout: 10_000 }).toBe(1);
      expect(admitted(await spendMany(budget, 'h3', 5))).toBe(3);
      expect(await keysOf(redis)).toContain('failover:rate:{h3}');
    } finally {
      redis.resume();
      await opened.close();
    }
  });

  it('a start without Redis is a degraded start, not a failed one', async () => {
    await using redis = await startOwnRedis();
    await redis.stop();
    const { log, count } = capturedLog();
    const opened = await openBudget(redisConfig(redis, { connectTimeoutMs: 300 }), log, { callerClock: true });
    try {
      expect(count(/unreachable/)).toBe(1);
      expect(admitted(await spendMany(opened.budget, 'k', 5))).toBe(3);
      await redis.start();
      await expect.poll(() => count(/reachable again/), { timeout: 10_000 }).toBe(1);
      expect(admitted(await spendMany(opened.budget, 'k', 5))).toBe(3);
      expect(await keysOf(redis)).toEqual(['failover:rate:{k}']);
    } finally {
      await opened.close();
    }
  });

  it('tells outages from mistakes: a refused command is not an outage', async () => {
    await using redis = await startOwnRedis();
    const client = new Redis(redis.url, { lazyConnect: true, commandTimeout: 100, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      const mistake = await client.call('NO-SUCH-COMMAND').catch((error: unknown) => error);
      expect(isRedisUnavailable(mistake)).toBe(false);
      redis.pause();
      const timeout = await client.ping().catch((error: unknown) => error);
      expect(isRedisUnavailable(timeout)).toBe(true);
    } finally {
      redis.resume();
      client.disconnect();
    }
  });
});
