import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import { aggregateUsage, usageHistogram } from '../../src/store/usage-reads.js';
import { rollUpUsage, writeUsage } from '../../src/store/usage-writes.js';
import { latencyBucketOf } from '../../src/usage/latency-buckets.js';
import type { UsageRow, UsageSegmentQuery } from '../../src/usage/types.js';
import { storeEngines, type FreshStorage } from '../store/engines.js';

const T0 = Date.UTC(2030, 0, 15, 12, 30, 0);
const MINUTE = 60_000;

/** One request's row; `durationMs` sets its duration and latency bucket. */
const row = ({ durationMs = 10, ...overrides }: Partial<UsageRow> & { durationMs?: number } = {}): UsageRow => ({
  atMs: overrides.atMs ?? T0,
  lastAtMs: overrides.atMs ?? T0,
  requests: 1,
  consumer: 'alpha',
  plan: 'free',
  documentHash: 'sha256:aa',
  operationName: 'Names',
  cost: 2,
  durationSumMs: durationMs,
  latencyBucket: latencyBucketOf(durationMs),
  httpStatus: 200,
  errorCodes: [],
  cacheHit: false,
  backends: [{ backend: 'catalog', errorCode: null, latencyBucket: latencyBucketOf(4), calls: 1, durationSumMs: 4 }],
  ...overrides,
});

const operation = { documentHash: 'sha256:aa', operationName: 'Names', operationType: 'query', coordinates: ['Query.products', 'Product.name'] };

const segment = (overrides: Partial<UsageSegmentQuery>): UsageSegmentQuery => ({
  source: 'raw',
  fromMs: T0 - 60 * MINUTE,
  toMs: T0 + 60 * MINUTE,
  rawHorizonMs: T0 - 60 * MINUTE,
  dimensions: [],
  intervalMs: null,
  filter: {},
  ...overrides,
});

describe.each(storeEngines)('$name usage store', (engine) => {
  let storage: FreshStorage;
  let store: Store;

  beforeAll(async () => {
    storage = await engine.freshStorage();
    store = await openStore(storage.config);
  });

  afterAll(async () => {
    await store?.close();
    await storage?.dispose();
  });

  it('adds a late record to the period it belongs to, once, and keeps records not rolled up from the prune', async () => {
    await store.usage.write([row(), row({ durationMs: 100, errorCodes: ['BACKEND_UNAVAILABLE'] })], [operation], T0);
    expect(await store.usage.rollUp({ beforeMs: T0 + MINUTE, batchLimit: 1 })).toEqual({ locked: true, rolled: 1, rows: 1 });
    expect(await store.usage.rollUp({ beforeMs: T0 + MINUTE, batchLimit: 100 })).toEqual({ locked: true, rolled: 1, rows: 1 });
    expect(await store.usage.rollUp({ beforeMs: T0 + MINUTE, batchLimit: 100 })).toEqual({ locked: true, rolled: 0, rows: 0 });
    // An instance that was cut off writes a record of that minute now.
    await store.usage.write([row({ durationMs: 1_000 })], [operation], T0 + 30 * MINUTE);
    const pruned = await store.usage.prune({ rawBeforeMs: T0 + MINUTE, minuteBeforeMs: 0, hourBeforeMs: 0, dayBeforeMs: 0, operationsBeforeMs: 0 });
    expect(pruned.raw).toBe(2);
    // Not rolled up yet, it is still counted from the raw table even behind the horizon.
    const raw = await store.usage.aggregate(segment({ rawHorizonMs: T0 + MINUTE }));
    expect(raw.map((group) => group.requests)).toEqual([1]);
    expect((await store.usage.rollUp({ beforeMs: T0 + MINUTE, batchLimit: 100 })).rolled).toBe(1);

    for (const source of ['minute', 'hour', 'day'] as const) {
      const [sums] = await store.usage.aggregate(segment({ source, fromMs: T0 - 86_400_000 }));
      expect(sums, source).toMatchObject({ requests: 3, errors: 1, costSum: 6, charged: 3, points: 6 });
      const histogram = await store.usage.histogram(segment({ source, fromMs: T0 - 86_400_000 }));
      expect(histogram.reduce((sum, bucket) => sum + bucket.count, 0), source).toBe(3);
      expect(histogram.map((bucket) => bucket.bucket).sort((a, b) => a - b), source).toEqual([14, 27, 40]);
    }
    const byField = await store.usage.aggregate(segment({ source: 'minute', dimensions: ['FIELD', 'ERROR_CODE'] }));
    expect(byField.map((group) => [group.field, group.errorCode, group.requests]).sort()).toEqual([
      ['Product.name', null, 2],
      ['Product.name', 'BACKEND_UNAVAILABLE', 1],
      ['Query.products', null, 2],
      ['Query.products', 'BACKEND_UNAVAILABLE', 1],
    ]);
  });

  it('lets the event loop turn while it writes and rolls up a large batch', async () => {
    // PGlite runs statements on the event loop: a batch written without yielding stalls every
    // request in flight. Immediates queued meanwhile are the sign that I/O got its turns.
    const turnsDuring = async (work: () => Promise<unknown>) => {
      let turns = 0;
      let done = false;
      const tick = () => {
        turns++;
        if (!done) setImmediate(tick);
      };
      setImmediate(tick);
      await work();
      done = true;
      return turns;
    };
    const at = T0 + 90 * MINUTE;
    const batch = Array.from({ length: 1_000 }, (_, index) => row({ atMs: at + index, durationMs: index % 50 }));
    expect(await turnsDuring(() => store.usage.write(batch, [operation], at))).toBeGreaterThanOrEqual(10);
    expect(await turnsDuring(() => store.usage.rollUp({ beforeMs: at + MINUTE, batchLimit: 1_000 }))).toBeGreaterThanOrEqual(2);
    const [sums] = await store.usage.aggregate(segment({ source: 'minute', fromMs: at - MINUTE, toMs: at + MINUTE }));
    expect(sums?.requests).toBe(1_000);
  });

  it('appends audit entries and lists them back', async () => {
    const entry = await store.audit.append({ at: new Date(T0), actor: 'admin-token:00000000', action: 'createPlan', target: 'plan:x', requestId: null, input: {}, before: null, after: null, result: 'ok' });
    expect((await store.audit.list({ first: 10 })).entries.map((each) => each.id)).toContain(entry.id);
  });
});

describe.each(storeEngines)('$name usage rows', (engine) => {
  let raw: Awaited<ReturnType<typeof engine.rawDatabase>>;

  beforeAll(async () => {
    raw = await engine.rawDatabase();
    await migrateToLatest(raw.db);
  });

  afterAll(async () => {
    await raw?.dispose();
  });

  it('counts a row of alike requests as many, and reads backend entries written before rows were grouped', async () => {
    const at = T0 + 3 * 60 * MINUTE;
    const range = { fromMs: at - MINUTE, toMs: at + MINUTE, rawHorizonMs: at - MINUTE };
    const grouped = row({
      atMs: at,
      requests: 5,
      cost: 3,
      durationSumMs: 50,
      lastAtMs: at + 900,
      backends: [
        { backend: 'catalog', errorCode: null, latencyBucket: latencyBucketOf(4), calls: 8, durationSumMs: 32 },
        { backend: 'stock', errorCode: 'BACKEND_TIMEOUT', latencyBucket: latencyBucketOf(40), calls: 2, durationSumMs: 80 },
      ],
    });
    await writeUsage(raw.db, [grouped], [operation], at);
    // As migration 006 wrote them: one request a row, a backend entry per call with its duration.
    await sql`insert into usage_requests (at_ms, consumer, plan, document_hash, operation_name, cost, duration_sum_ms, latency_bucket,
                                          http_status, error_codes, is_error, cache_hit, backends)
              values (${at + 10}, 'alpha', 'free', 'sha256:aa', 'Names', 3, 7, ${latencyBucketOf(7)}, 200, '[]', false, false,
                      ${JSON.stringify([{ name: 'catalog', durationMs: 6, bucket: latencyBucketOf(6), errorCode: null }])}::jsonb)`.execute(raw.db);
    const expectTotals = async (source: 'raw' | 'minute') => {
      const [sums] = await aggregateUsage(raw.db, segment({ ...range, source }));
      expect(sums, source).toMatchObject({ requests: 6, costSum: 18, charged: 6, points: 18, durationSumMs: 57, lastSeenMs: at + 900 });
      const histogram = await usageHistogram(raw.db, segment({ ...range, source }));
      expect(Object.fromEntries(histogram.map((bucket) => [bucket.bucket, bucket.count])), source).toEqual({ [latencyBucketOf(10)]: 5, [latencyBucketOf(7)]: 1 });
      const calls = await aggregateUsage(raw.db, segment({ ...range, source, dimensions: ['BACKEND', 'ERROR_CODE'] }));
      expect(calls.map((group) => [group.backend, group.errorCode, group.requests, group.errors, group.durationSumMs]).sort(), source).toEqual([
        ['catalog', null, 9, 0, 38],
        ['stock', 'BACKEND_TIMEOUT', 2, 2, 80],
      ]);
    };
    await expectTotals('raw');
    expect(await rollUpUsage(raw.db, [7, 7], { beforeMs: at + MINUTE, batchLimit: 100 })).toEqual({ locked: true, rolled: 6, rows: 2 });
    await expectTotals('minute');
  });
});

describe.each(storeEngines)('$name audit_log table', (engine) => {
  it('is append-only: the database refuses an update', async () => {
    const raw = await engine.rawDatabase();
    try {
      await migrateToLatest(raw.db);
      await sql`insert into audit_log (at, actor, action, input, result) values (now(), 'admin-token:0', 'createPlan', '{}', 'ok')`.execute(raw.db);
      await expect(sql`update audit_log set result = 'changed'`.execute(raw.db)).rejects.toThrow(/append-only/);
      await sql`delete from audit_log`.execute(raw.db);
    } finally {
      await raw.dispose();
    }
  });
});
