import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import type { UsageRow, UsageSegmentQuery } from '../../src/usage/types.js';
import { storeEngines, type FreshStorage } from '../store/engines.js';

const T0 = Date.UTC(2030, 0, 15, 12, 30, 0);
const MINUTE = 60_000;

const row = (overrides: Partial<UsageRow> = {}): UsageRow => ({
  atMs: T0,
  consumer: 'alpha',
  plan: 'free',
  documentHash: 'sha256:aa',
  operationName: 'Names',
  cost: 2,
  durationMs: 10,
  httpStatus: 200,
  errorCodes: [],
  cacheHit: false,
  backends: [{ backend: 'catalog', durationMs: 4, errorCode: null }],
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
  exactPercentiles: false,
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
    expect(await store.usage.rollUp({ beforeMs: T0 + MINUTE, batchLimit: 1 })).toEqual({ locked: true, rolled: 1 });
    expect(await store.usage.rollUp({ beforeMs: T0 + MINUTE, batchLimit: 100 })).toEqual({ locked: true, rolled: 1 });
    expect(await store.usage.rollUp({ beforeMs: T0 + MINUTE, batchLimit: 100 })).toEqual({ locked: true, rolled: 0 });
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
