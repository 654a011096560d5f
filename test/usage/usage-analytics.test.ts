import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDataDir, startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { consumerWithPlan } from '../request-path/fixtures.js';
import {
  byConsumerAndOperation,
  consumersOfPlan,
  expectScriptOutcomes,
  Ledger,
  QUERIES,
  scriptParts,
  startCatalog,
  usageOf,
  type ScriptConsumer,
} from './fixtures.js';

const T0 = Date.UTC(2030, 0, 15, 12, 30, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const around = { from: new Date(T0 - HOUR).toISOString(), to: new Date(T0 + HOUR).toISOString() };


describe('usage records of a scripted mix of requests (embedded store)', () => {
  let subgraphs: Awaited<ReturnType<typeof startCatalog>>;
  let dataDir: string;
  let gatehouse: RunningGatehouse;
  let clock = T0;
  const ledger = new Ledger();
  let catalogCalls = 0;

  beforeAll(async () => {
    subgraphs = await startCatalog();
    dataDir = await freshDataDir();
    gatehouse = await startGatehouse({
      dataDir,
      now: () => clock,
      env: { GATEHOUSE_EXPOSE_COST: 'true' },
      backends: [
        { name: 'catalog', url: subgraphs.catalog.url },
        { name: 'stock', url: subgraphs.stock.url },
      ],
    });
    const keys = {} as Record<ScriptConsumer, Record<string, string>>;
    for (const [name, plan] of Object.entries(consumersOfPlan)) keys[name as ScriptConsumer] = await consumerWithPlan(gatehouse, name, plan);
    // gamma also has a daily request quota, for consumerUsage.
    const update = await gatehouse.admin('mutation { updatePlan(input: { name: "gamma-plan", quotaPeriod: DAY, quotaRequests: 100 }) { name } }');
    expect(update.body.errors).toBeUndefined();
    const catalogBefore = subgraphs.catalog.requestCount;
    await scriptParts.alpha(gatehouse, ledger, keys);
    await scriptParts.beta(gatehouse, ledger, keys);
    await scriptParts.gamma(gatehouse, ledger, keys, () => subgraphs.stock.close());
    catalogCalls = subgraphs.catalog.requestCount - catalogBefore;
    // Every record was appended before its response left; writing the buffer makes them visible.
    await gatehouse.gatehouse.usage.recorder.flush();
  });

  afterAll(async () => {
    await gatehouse?.close();
    await subgraphs?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('sent what the script means to send', () => {
    expectScriptOutcomes(ledger);
  });

  it('counts requests, errors and cost per consumer and operation exactly, with latencies', async () => {
    const report = await usageOf(gatehouse, { filter: around, groupBy: ['CONSUMER', 'OPERATION'] });
    expect(byConsumerAndOperation(report.buckets)).toEqual(ledger.byConsumerAndOperation());
    expect(byConsumerAndOperation(report.buckets)).toMatchObject({
      'alpha Names': { requests: 3, errors: 0 },
      'alpha Broken': { requests: 1, errors: 1, costSum: 0 },
      'beta Stock': { requests: 5, errors: 3 },
      'gamma Prices': { requests: 2, errors: 2, costSum: 0 },
      '- -': { requests: 1, errors: 1, costSum: 0 },
    });
    expect(report.latencyPrecision).toBe('HISTOGRAM');
    for (const bucket of report.buckets) {
      expect(bucket.latency.p50).toBeGreaterThan(0);
      expect(bucket.latency.p99).toBeGreaterThanOrEqual(bucket.latency.p50!);
      expect(bucket.errorRate).toBeCloseTo(bucket.errors / bucket.requests);
    }
    // Every parsed operation carries its document's hash (the same as a trusted document's); a request
    // refused before its body was read has none.
    const hashes = Object.fromEntries(report.buckets.map((bucket) => [`${bucket.consumer} ${bucket.operation}`, bucket.operationHash]));
    expect(hashes['alpha Names']).toBe(`sha256:${createHash('sha256').update(QUERIES.Names).digest('hex')}`);
    expect(hashes['alpha Broken']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hashes['null null']).toBeNull();
  });

  it('groups by plan, error code and backend', async () => {
    const byPlan = await usageOf(gatehouse, { filter: around, groupBy: ['PLAN'] });
    expect(Object.fromEntries(byPlan.buckets.map((bucket) => [bucket.plan ?? '-', bucket.requests]))).toEqual({ 'alpha-plan': 6, 'beta-plan': 7, 'gamma-plan': 6, '-': 1 });

    const byCode = await usageOf(gatehouse, { filter: around, groupBy: ['ERROR_CODE'] });
    const expectedCodes: Record<string, number> = {};
    for (const entry of ledger.entries) for (const code of new Set(entry.codes.length ? entry.codes : ['-'])) expectedCodes[code] = (expectedCodes[code] ?? 0) + 1;
    expect(Object.fromEntries(byCode.buckets.map((bucket) => [bucket.errorCode ?? '-', bucket.requests]))).toEqual(expectedCodes);

    const byBackend = await usageOf(gatehouse, { filter: around, groupBy: ['BACKEND', 'ERROR_CODE'] });
    const calls = Object.fromEntries(byBackend.buckets.map((bucket) => [`${bucket.backend} ${bucket.errorCode ?? 'ok'}`, bucket.requests]));
    // What the catalog subgraph itself counted; stock answered beta's two admitted queries and was down for gamma's.
    expect(calls).toEqual({ 'catalog ok': catalogCalls, 'stock ok': 2, 'stock BACKEND_UNAVAILABLE': 2 });
    expect(byBackend.buckets.find((bucket) => bucket.backend === 'stock' && bucket.errorCode)?.errors).toBe(2);

    // A backend filter counts that backend's calls, per consumer.
    const stockCalls = await usageOf(gatehouse, { filter: { ...around, backend: 'stock' }, groupBy: ['CONSUMER'] });
    expect(Object.fromEntries(stockCalls.buckets.map((bucket) => [bucket.consumer, [bucket.requests, bucket.errors]]))).toEqual({ beta: [2, 0], gamma: [2, 2] });
  });

  it('names the consumers and operations that used a field', async () => {
    const result = await gatehouse.admin<{ fieldUsage: { requests: number; consumers: Array<{ consumer: string; requests: number }>; operations: Array<{ name: string; consumers: string[]; requests: number }> } }>(
      `query($since: DateTime) { fieldUsage(coordinate: "Product.price", since: $since) {
        requests consumers { consumer requests lastSeen } operations { name documentHash requests consumers } } }`,
      { since: around.from },
    );
    expect(result.body.errors).toBeUndefined();
    // gamma's Prices validated and was then refused by its cost: it still depends on the field.
    expect(result.body.data!.fieldUsage).toMatchObject({
      requests: 4,
      consumers: [
        { consumer: 'alpha', requests: 2 },
        { consumer: 'gamma', requests: 2 },
      ],
      operations: [{ name: 'Prices', requests: 4, consumers: ['alpha', 'gamma'] }],
    });

    const inStock = await gatehouse.admin<{ fieldUsage: { consumers: Array<{ consumer: string; requests: number }> } }>(
      `{ fieldUsage(coordinate: "Product.inStock") { consumers { consumer requests } } }`,
    );
    expect(inStock.body.data!.fieldUsage.consumers).toEqual([
      { consumer: 'beta', requests: 5 },
      { consumer: 'gamma', requests: 2 },
    ]);

    const byField = await usageOf(gatehouse, { filter: { ...around, field: 'Query.product' }, groupBy: ['CONSUMER'] });
    expect(Object.fromEntries(byField.buckets.map((bucket) => [bucket.consumer, bucket.requests]))).toEqual({ beta: 2, gamma: 4 });
  });

  it("shows a consumer's spend against its plan's quota and rate limit", async () => {
    const result = await gatehouse.admin<{ beta: Record<string, unknown>; gamma: Record<string, unknown> }>(`{
      beta: consumerUsage(name: "beta") { period { requests errors costSum } quota { requestsUsed } rateLimit { limit windowSeconds remaining } }
      gamma: consumerUsage(name: "gamma") { quota { period requestsUsed requestsLimit requestsRemaining costPointsUsed } rateLimit { remaining } }
    }`);
    expect(result.body.errors).toBeUndefined();
    const betaCost = ledger.entries.filter((entry) => entry.consumer === 'beta').reduce((sum, entry) => sum + entry.cost, 0);
    expect(result.body.data!.beta).toEqual({
      period: { requests: 7, errors: 3, costSum: betaCost },
      quota: null,
      // The clock stands still: what the admitted queries spent has not come back.
      rateLimit: { limit: 10, windowSeconds: 60, remaining: 10 - betaCost },
    });
    // Charged: One and OneInStock, twice each; Prices was refused by its cost and spent nothing.
    expect(result.body.data!.gamma).toEqual({
      quota: { period: 'DAY', requestsUsed: 4, requestsLimit: 100, requestsRemaining: 96, costPointsUsed: 4 },
      rateLimit: null,
    });
  });

  it('buckets by time', async () => {
    const report = await usageOf(gatehouse, { filter: around, groupBy: ['CONSUMER'], interval: 'HOUR' });
    expect(new Set(report.buckets.map((bucket) => bucket.start))).toEqual(new Set([new Date(Math.floor(T0 / HOUR) * HOUR).toISOString()]));
  });

  it('answers the same from minute, hour and day rollups as the raw records age out, and forgets past the retention', async () => {
    const exact = byConsumerAndOperation((await usageOf(gatehouse, { filter: around, groupBy: ['CONSUMER', 'OPERATION'] })).buckets);
    const maintenance = gatehouse.gatehouse.usage.maintenance;
    // Run the job as of later times instead of waiting for them: each run rolls up and prunes.
    for (const [age, pruned] of [
      [2 * DAY, 'raw'],
      [10 * DAY, 'minute'],
      [100 * DAY, 'hour'],
    ] as const) {
      clock = T0 + age;
      const run = await maintenance.run(clock);
      expect(run.pruned[pruned]).toBeGreaterThan(0);
      const report = await usageOf(gatehouse, { filter: around, groupBy: ['CONSUMER', 'OPERATION'] });
      expect(report.latencyPrecision).toBe('HISTOGRAM');
      expect(byConsumerAndOperation(report.buckets), `${age / DAY} days later`).toEqual(exact);
      for (const bucket of report.buckets) expect(bucket.latency.p95).toBeGreaterThan(0);
      const price = await gatehouse.admin<{ fieldUsage: { requests: number } }>(`query($since: DateTime) { fieldUsage(coordinate: "Product.price", since: $since) { requests } }`, { since: around.from });
      expect(price.body.data!.fieldUsage.requests).toBe(4);
    }
    clock = T0 + 800 * DAY;
    expect((await maintenance.run(clock)).pruned.day).toBeGreaterThan(0);
    expect((await usageOf(gatehouse, { filter: around, groupBy: ['CONSUMER'] })).buckets).toEqual([]);
    clock = T0;
  });
});

describe('usage records across a restart (embedded store)', () => {
  it('are still there, rolled up or not', async () => {
    const subgraphs = await startCatalog();
    const dataDir = await freshDataDir();
    let clock = T0;
    try {
      const first = await startGatehouse({ dataDir, now: () => clock, backends: [{ name: 'catalog', url: subgraphs.catalog.url }, { name: 'stock', url: subgraphs.stock.url }] });
      for (let i = 0; i < 4; i++) expect((await first.query('query Names { products(first: 2) { name } }')).body.errors).toBeUndefined();
      // Part of it rolled up, the rest only in the raw table; close writes the buffer.
      await first.gatehouse.usage.recorder.flush();
      await first.gatehouse.usage.maintenance.run(clock);
      for (let i = 0; i < 3; i++) await first.query('query Names { products(first: 2) { name } }');
      await first.close();

      const second = await startGatehouse({ dataDir, now: () => clock });
      try {
        const report = await usageOf(second, { filter: around, groupBy: ['OPERATION'] });
        expect(report.buckets.map((bucket) => [bucket.operation, bucket.requests])).toEqual([['Names', 7]]);
        clock = T0 + 2 * DAY;
        await second.gatehouse.usage.maintenance.run(clock);
        expect((await usageOf(second, { filter: around, groupBy: ['OPERATION'] })).buckets.map((bucket) => bucket.requests)).toEqual([7]);
      } finally {
        await second.close();
      }
    } finally {
      await subgraphs.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
