import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryQuotaCounter, quotaPeriodAt } from '../../src/store/counters/quota-counter.js';
import { InMemoryRateLimiter } from '../../src/store/counters/rate-limiter.js';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, type GraphQLResponse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { freshKeyspace, sharedRedisUrl, type RedisKeyspace } from '../helpers/own-redis.js';
import { consumerWithPlan, shop } from './fixtures.js';

const T0 = Date.UTC(2030, 0, 15, 12, 0, 0);
const perSecond = (limit: number) => ({ limit, windowSeconds: 1 });

describe('GCRA rate limiter (in memory)', () => {
  it('admits a full window at once, then one point per emission interval', async () => {
    const limiter = new InMemoryRateLimiter();
    expect(await limiter.consume('a', 100, perSecond(100), T0)).toEqual({
      allowed: true,
      remaining: 0,
      resetAt: new Date(T0 + 1_000),
      retryAfterSeconds: 0,
    });
    expect(await limiter.consume('a', 1, perSecond(100), T0)).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    expect(await limiter.consume('a', 1, perSecond(100), T0 + 10)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume('a', 100, perSecond(100), T0 + 1_010)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('takes nothing from a refused request', async () => {
    const limiter = new InMemoryRateLimiter();
    expect((await limiter.consume('a', 60, perSecond(100), T0)).remaining).toBe(40);
    expect(await limiter.consume('a', 60, perSecond(100), T0)).toMatchObject({ allowed: false, remaining: 40, retryAfterSeconds: 1 });
    expect(await limiter.consume('a', 40, perSecond(100), T0)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('says when the request fits (Retry-After) and when the budget is full again (reset)', async () => {
    const limiter = new InMemoryRateLimiter();
    const window = { limit: 10, windowSeconds: 60 };
    const spent = await limiter.consume('a', 10, window, T0);
    expect(spent.resetAt).toEqual(new Date(T0 + 60_000));
    // One point comes back every 6 s; 4 points need 24 s.
    expect(await limiter.consume('a', 4, window, T0 + 1_000)).toMatchObject({ allowed: false, retryAfterSeconds: 23 });
    expect(await limiter.consume('a', 4, window, T0 + 24_000)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('handles windows that do not divide evenly', async () => {
    const limiter = new InMemoryRateLimiter();
    for (let i = 0; i < 3; i++) expect((await limiter.consume('a', 1, perSecond(3), T0)).allowed).toBe(true);
    expect((await limiter.consume('a', 1, perSecond(3), T0)).allowed).toBe(false);
    expect((await limiter.consume('a', 1, perSecond(3), T0 + 334)).allowed).toBe(true);
  });

  it('peeks with cost 0, keeps keys apart, and refuses a cost larger than the window for a whole window', async () => {
    const limiter = new InMemoryRateLimiter();
    await limiter.consume('a', 30, perSecond(100), T0);
    expect(await limiter.consume('a', 0, perSecond(100), T0)).toMatchObject({ allowed: true, remaining: 70 });
    expect(await limiter.consume('a', 0, perSecond(100), T0)).toMatchObject({ remaining: 70 });
    expect((await limiter.consume('b', 0, perSecond(100), T0)).remaining).toBe(100);
    expect(await limiter.consume('c', 101, perSecond(100), T0)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });

  it('keeps memory bounded: the least recently used key is forgotten', async () => {
    const limiter = new InMemoryRateLimiter({ maxKeys: 2 });
    await limiter.consume('a', 100, perSecond(100), T0);
    await limiter.consume('b', 100, perSecond(100), T0);
    await limiter.consume('c', 100, perSecond(100), T0);
    expect((await limiter.consume('a', 0, perSecond(100), T0)).remaining).toBe(100);
    expect((await limiter.consume('c', 0, perSecond(100), T0)).remaining).toBe(0);
  });
});

describe('quota counters (in memory)', () => {
  it('counts requests per UTC day and restarts at midnight', async () => {
    const quotas = new InMemoryQuotaCounter();
    const limits = { period: 'DAY' as const, costPoints: null, requests: 2 };
    const lateEvening = Date.UTC(2030, 0, 15, 23, 59, 0);
    const one = { costPoints: 5, requests: 1 };
    expect((await quotas.consume('a', one, limits, lateEvening)).allowed).toBe(true);
    expect((await quotas.consume('a', one, limits, lateEvening)).used).toEqual({ costPoints: 10, requests: 2 });
    expect(await quotas.consume('a', one, limits, lateEvening)).toEqual({
      allowed: false,
      exceeded: 'requests',
      used: { costPoints: 10, requests: 2 },
      resetAt: new Date(Date.UTC(2030, 0, 16)),
    });
    expect((await quotas.consume('a', one, limits, Date.UTC(2030, 0, 16, 0, 0, 1))).used).toEqual({ costPoints: 5, requests: 1 });
  });

  it('counts cost points, refuses what does not fit without counting it, and refunds', async () => {
    const quotas = new InMemoryQuotaCounter();
    const limits = { period: 'MONTH' as const, costPoints: 100, requests: null };
    expect((await quotas.consume('a', { costPoints: 60, requests: 1 }, limits, T0)).allowed).toBe(true);
    expect(await quotas.consume('a', { costPoints: 60, requests: 1 }, limits, T0)).toMatchObject({ allowed: false, exceeded: 'costPoints' });
    await quotas.refund('a', { costPoints: 60, requests: 1 }, 'MONTH', T0);
    expect((await quotas.consume('a', { costPoints: 100, requests: 1 }, limits, T0)).used).toEqual({ costPoints: 100, requests: 1 });
  });

  it('ends periods on UTC calendar boundaries', () => {
    expect(quotaPeriodAt('MONTH', Date.UTC(2030, 0, 31, 23, 59, 59)).endsAt).toBe(Date.UTC(2030, 1, 1));
    expect(quotaPeriodAt('MONTH', Date.UTC(2030, 11, 31, 12)).endsAt).toBe(Date.UTC(2031, 0, 1));
    expect(quotaPeriodAt('DAY', Date.UTC(2030, 1, 28, 12)).endsAt).toBe(Date.UTC(2030, 2, 1));
    expect(quotaPeriodAt('DAY', Date.UTC(2030, 1, 28, 12)).id).not.toBe(quotaPeriodAt('DAY', Date.UTC(2030, 2, 1)).id);
  });
});

// The same requests against each budget: this instance's memory, and Redis (with the injected clock).
const strategies = [
  { name: 'in memory', redis: false },
  { name: 'Redis', redis: true },
];

describe.each(strategies)('rate limits and quotas on the request path ($name)', ({ redis }) => {
  let subgraph: RunningSubgraph;
  let gatehouse: RunningGatehouse;
  let keyspace: RedisKeyspace | undefined;
  let env: Record<string, string> = {};
  let clock = T0;
  let fast: Record<string, string>;
  let other: Record<string, string>;

  const rateHeaders = (response: GraphQLResponse) => ({
    limit: response.headers.get('ratelimit-limit'),
    remaining: response.headers.get('ratelimit-remaining'),
    reset: response.headers.get('ratelimit-reset'),
  });

  beforeAll(async () => {
    if (redis) {
      keyspace = await freshKeyspace();
      env = { GATEHOUSE_REDIS_URL: sharedRedisUrl, GATEHOUSE_REDIS_PREFIX: keyspace.prefix };
    }
    subgraph = await serveSubgraph(shop);
    gatehouse = await startGatehouse({ backends: [{ name: 'shop', url: subgraph.url }], env, now: () => clock });
    fast = await consumerWithPlan(gatehouse, 'fast', { rateLimitPoints: 100, rateLimitWindowSeconds: 1 });
    other = await consumerWithPlan(gatehouse, 'other', { rateLimitPoints: 100, rateLimitWindowSeconds: 1 });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await subgraph?.close();
    await keyspace?.[Symbol.asyncDispose]();
  });

  it('answers 429 RATE_LIMITED with Retry-After past 100 points per second, and recovers after it', async () => {
    clock = T0;
    const before = subgraph.requestCount;
    // 12 operations of cost 25: 300 points against a budget of 100 per second.
    const responses: GraphQLResponse[] = [];
    for (let i = 0; i < 12; i++) responses.push(await gatehouse.query('{ expensive }', undefined, fast));

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 429, 429, 429, 429, 429, 429, 429, 429]);
    expect(rateHeaders(responses[0]!)).toEqual({ limit: '100', remaining: '75', reset: '1' });
    const refused = responses[4]!;
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(rateHeaders(refused)).toEqual({ limit: '100', remaining: '0', reset: '1' });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 100 });
    expect(refused.body.errors?.[0]?.message).not.toMatch(/consumer:|anonymous:/);
    // Refused operations never reach the backend (and spend nothing, see below).
    expect(subgraph.requestCount - before).toBe(4);
    // With Redis the budget lives there, under this suite's prefix.
    if (keyspace) expect(await keyspace.keys()).toContainEqual(expect.stringMatching(/rate:\{consumer:/));

    // Another consumer has its own budget.
    expect((await gatehouse.query('{ expensive }', undefined, other)).status).toBe(200);

    // 250 ms give back 25 points: exactly one more operation, so the refused ones took nothing.
    clock = T0 + 250;
    expect((await gatehouse.query('{ expensive }', undefined, fast)).status).toBe(200);
    expect((await gatehouse.query('{ expensive }', undefined, fast)).status).toBe(429);

    clock = T0 + 1_250;
    const recovered = await gatehouse.query('{ expensive }', undefined, fast);
    expect(recovered.status).toBe(200);
    expect(rateHeaders(recovered).remaining).toBe('75');
  });

  it('spends nothing when the cost is refused, and still shows the budget', async () => {
    clock = T0 + 10_000;
    const capped = await consumerWithPlan(gatehouse, 'capped-rate', { rateLimitPoints: 100, rateLimitWindowSeconds: 1, maxCost: 50 });
    const refused = await gatehouse.query('{ hundred }', undefined, capped);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(rateHeaders(refused)).toEqual({ limit: '100', remaining: '100', reset: '0' });
    const invalid = await gatehouse.query('{ nope }', undefined, capped);
    expect(invalid.status).toBe(400);
    expect(rateHeaders(invalid)).toEqual({ limit: '100', remaining: '100', reset: '0' });
    expect(rateHeaders(await gatehouse.query('{ expensive }', undefined, capped)).remaining).toBe('75');
  });

  it('answers 429 QUOTA_EXCEEDED once the daily quota is used up, until the next UTC day', async () => {
    clock = Date.UTC(2030, 0, 15, 23, 59, 0);
    const daily = await consumerWithPlan(gatehouse, 'daily', { quotaPeriod: 'DAY', quotaRequests: 2 });
    expect((await gatehouse.query('{ expensive }', undefined, daily)).status).toBe(200);
    expect((await gatehouse.query('{ __typename }', undefined, daily)).status).toBe(200);
    const before = subgraph.requestCount;
    const refused = await gatehouse.query('{ expensive }', undefined, daily);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', limit: 2, resetAt: '2030-01-16T00:00:00.000Z' });
    expect(subgraph.requestCount).toBe(before);

    clock = Date.UTC(2030, 0, 16, 0, 0, 1);
    expect((await gatehouse.query('{ expensive }', undefined, daily)).status).toBe(200);
  });

  it('counts cost points against a cost quota', async () => {
    clock = T0;
    const points = await consumerWithPlan(gatehouse, 'points', { quotaPeriod: 'MONTH', quotaCostPoints: 60 });
    expect((await gatehouse.query('{ expensive }', undefined, points)).status).toBe(200);
    expect((await gatehouse.query('{ expensive }', undefined, points)).status).toBe(200);
    const refused = await gatehouse.query('{ expensive }', undefined, points);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', limit: 60 });
    // A cheaper operation still fits the 10 points left.
    expect((await gatehouse.query('{ product(upc: "p1") { name } }', undefined, points)).status).toBe(200);
  });

  it('gives anonymous callers a budget per address on the anonymous plan', async () => {
    await using anonymous = await startGatehouse({
      backends: [{ name: 'shop', url: subgraph.url }],
      env: { ...env, GATEHOUSE_ANONYMOUS_PLAN: 'anonymous-limited' },
      now: () => T0,
    });
    const created = await anonymous.admin('mutation($input: CreatePlanInput!) { createPlan(input: $input) { name } }', {
      input: { name: 'anonymous-limited', rateLimitPoints: 50, rateLimitWindowSeconds: 60 },
    });
    expect(created.body.errors).toBeUndefined();
    const first = await anonymous.query('{ expensive }');
    expect(first.status).toBe(200);
    expect(rateHeaders(first)).toEqual({ limit: '50', remaining: '25', reset: '30' });
    expect((await anonymous.query('{ expensive }')).status).toBe(200);
    expect((await anonymous.query('{ expensive }')).body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});
