import { sql, type Kysely } from 'kysely';
import { LATENCY_BUCKET_COUNT } from '../usage/latency-buckets.js';
import type { OperationRow, RollupResolution, UsagePruneCounts, UsagePruneHorizons, UsageRow } from '../usage/types.js';
import type { Database } from './database.js';
import type { AdvisoryLockKey } from './locks.js';
import { BACKEND_MEASURES, backendCallsOf, errorCodesOf, num, REQUEST_MEASURES, ROLLUP_TABLES, stored, type Family } from './usage-tables.js';

// The write side of usage records: batches in, rollups, retention.

const ROWS_PER_INSERT = 500;
// ~2.5 ms of PGlite per statement (measured ~25 ms per 1,000 rows).
const RECORDS_PER_INSERT = 100;

/**
 * PGlite runs each statement on the event loop, and a chain of awaited statements resolves in
 * microtasks, never letting I/O in: a batch written in one go stalled every request in flight for
 * its whole length (60 ms a second at 2,300 requests/s, the benchmark's p99 doubled). So each
 * statement here waits for the loop's next turn first; on PostgreSQL that costs microseconds.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function chunks<T>(items: readonly T[], size = ROWS_PER_INSERT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One transaction: new operations with their coordinates, `last_seen` of known ones, then the records. */
export async function writeUsage(db: Kysely<Database>, rows: readonly UsageRow[], operations: readonly OperationRow[], seenAtMs: number): Promise<void> {
  const unique = new Map<string, OperationRow>();
  // One row per key in one statement: ON CONFLICT cannot touch a row twice.
  for (const operation of operations) unique.set(`${operation.documentHash}\n${stored(operation.operationName)}`, operation);
  await db.transaction().execute(async (trx) => {
    for (const batch of chunks([...unique.values()])) {
      await nextTurn();
      const upserted = await trx
        .insertInto('usage_operations')
        .values(
          batch.map((operation) => ({
            document_hash: operation.documentHash,
            operation_name: stored(operation.operationName),
            operation_type: operation.operationType,
            first_seen_ms: seenAtMs,
            last_seen_ms: seenAtMs,
          })),
        )
        .onConflict((conflict) =>
          conflict.columns(['document_hash', 'operation_name']).doUpdateSet({
            last_seen_ms: sql`greatest(usage_operations.last_seen_ms, excluded.last_seen_ms)`,
          }),
        )
        // xmax is 0 on a row this statement inserted: only new operations need their coordinates.
        .returning(['document_hash', 'operation_name', sql<boolean>`(xmax = 0)`.as('inserted')])
        .execute();
      const inserted = new Set(upserted.filter((row) => row.inserted).map((row) => `${row.document_hash}\n${row.operation_name}`));
      const coordinates = batch.flatMap((operation) =>
        inserted.has(`${operation.documentHash}\n${stored(operation.operationName)}`)
          ? [...new Set(operation.coordinates)].map((coordinate) => ({
              document_hash: operation.documentHash,
              operation_name: stored(operation.operationName),
              coordinate,
            }))
          : [],
      );
      for (const part of chunks(coordinates, 2_000)) {
        await nextTurn();
        await trx.insertInto('usage_operation_coordinates').values(part).onConflict((conflict) => conflict.doNothing()).execute();
      }
    }
    // One JSON parameter per statement, unpacked by jsonb_to_recordset: about half the cost of
    // binding 13 parameters a row, and small statements, since PGlite runs each on the event loop.
    for (const batch of chunks(rows, RECORDS_PER_INSERT)) {
      const records = batch.map((row) => ({
        at_ms: row.atMs,
        last_at_ms: row.lastAtMs,
        requests: row.requests,
        consumer: stored(row.consumer),
        plan: stored(row.plan),
        document_hash: stored(row.documentHash),
        operation_name: stored(row.operationName),
        cost: row.cost,
        duration_sum_ms: row.durationSumMs,
        latency_bucket: row.latencyBucket,
        http_status: row.httpStatus,
        error_codes: row.errorCodes,
        is_error: row.errorCodes.length > 0 || row.httpStatus >= 500,
        cache_hit: row.cacheHit,
        backends: row.backends.map((group) => ({
          name: group.backend,
          errorCode: group.errorCode,
          bucket: group.latencyBucket,
          calls: group.calls,
          durationSumMs: group.durationSumMs,
        })),
      }));
      await nextTurn();
      await sql`
        insert into usage_requests (at_ms, last_at_ms, requests, consumer, plan, document_hash, operation_name, cost, duration_sum_ms,
                                    latency_bucket, http_status, error_codes, is_error, cache_hit, backends)
        select at_ms, last_at_ms, requests, consumer, plan, document_hash, operation_name, cost, duration_sum_ms,
               latency_bucket, http_status, error_codes, is_error, cache_hit, backends
        from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(
          at_ms bigint, last_at_ms bigint, requests integer, consumer text, plan text, document_hash text, operation_name text,
          cost integer, duration_sum_ms double precision, latency_bucket smallint, http_status smallint, error_codes jsonb,
          is_error boolean, cache_hit boolean, backends jsonb)`.execute(trx);
    }
  });
}
// ─── rollups ──────────────────────────────────────────────────────────────────────────────

const RESOLUTIONS: ReadonlyArray<readonly [RollupResolution, number]> = [
  ['minute', 60_000],
  ['hour', 3_600_000],
  ['day', 86_400_000],
];

interface RolledGroup {
  family: Family;
  minute_ms: unknown;
  consumer: string;
  plan: string;
  document_hash: string;
  operation_name: string;
  backend: string;
  error_code: string;
  bucket: unknown;
  requests: unknown;
  /** Request family: the stored rows in the group. */
  records: unknown;
  errors: unknown;
  cost_sum: unknown;
  charged: unknown;
  points: unknown;
  cache_hits: unknown;
  duration_sum_ms: unknown;
  last_seen_ms: unknown;
}

interface RollupAccumulator {
  family: Family;
  resolution: RollupResolution;
  bucketMs: number;
  keys: { consumer: string; plan: string; document_hash: string; operation_name: string; backend: string; error_code: string };
  requests: number;
  errors: number;
  costSum: number;
  charged: number;
  points: number;
  cacheHits: number;
  durationSumMs: number;
  lastSeenMs: number;
  histogram: number[];
}

/**
 * Marks up to `batchLimit` unrolled records rolled and adds them to the minute, hour and day
 * rollups of all three families (requests; per error code; per backend call), in one transaction:
 * a record is in the rollups exactly when it is marked, so instances sharing the database can all
 * run this (the advisory lock only keeps them from waiting on each other), and a late record (an
 * instance that buffered through an outage) is added to its period whenever it arrives.
 */
export async function rollUpUsage(
  db: Kysely<Database>,
  [classId, objectId]: AdvisoryLockKey,
  { beforeMs, batchLimit }: { beforeMs: number; batchLimit: number },
): Promise<{ locked: boolean; rolled: number; rows: number }> {
  return db.transaction().execute(async (trx) => {
    await nextTurn();
    const lock = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${classId}, ${objectId}) as locked`.execute(trx);
    if (!lock.rows[0]?.locked) return { locked: false, rolled: 0, rows: 0 };
    await nextTurn();
    const { rows } = await sql<RolledGroup>`
      with batch as (
        select id from usage_requests
        where not rolled and at_ms < ${beforeMs}
        order by id limit ${batchLimit}
        for update skip locked
      ), rolled as (
        update usage_requests u set rolled = true from batch where u.id = batch.id
        returning u.at_ms, u.last_at_ms, u.requests, u.consumer, u.plan, u.document_hash, u.operation_name, u.cost,
                  u.duration_sum_ms, u.latency_bucket, u.error_codes, u.is_error, u.cache_hit, u.backends
      )
      select 'request' as family, (at_ms / 60000) * 60000 as minute_ms, consumer, plan, document_hash, operation_name,
             '' as backend, '' as error_code, latency_bucket as bucket, ${REQUEST_MEASURES}, count(*) as records
      from rolled group by 2, 3, 4, 5, 6, 9
      union all
      select 'error', (at_ms / 60000) * 60000, consumer, plan, document_hash, operation_name, '', e.code, latency_bucket, ${REQUEST_MEASURES}, 0
      from rolled ${errorCodesOf(sql`error_codes`)}
      group by 2, 3, 4, 5, 6, 8, 9
      union all
      select 'backend', (at_ms / 60000) * 60000, consumer, plan, document_hash, operation_name, b.name, coalesce(b.error_code, ''), b.bucket, ${BACKEND_MEASURES}, 0
      from rolled ${backendCallsOf(sql`backends`)}
      group by 2, 3, 4, 5, 6, 7, 8, 9`.execute(trx);

    const groups = new Map<string, RollupAccumulator>();
    let rolled = 0;
    let rolledRows = 0;
    for (const row of rows) {
      const requests = num(row.requests);
      if (row.family === 'request') rolled += requests;
      rolledRows += num(row.records);
      const keys = {
        consumer: row.consumer,
        plan: row.plan,
        document_hash: row.document_hash,
        operation_name: row.operation_name,
        backend: row.backend,
        error_code: row.error_code,
      };
      for (const [resolution, sizeMs] of RESOLUTIONS) {
        const bucketMs = Math.floor(num(row.minute_ms) / sizeMs) * sizeMs;
        const id = [row.family, resolution, bucketMs, ...Object.values(keys)].join('\n');
        let group = groups.get(id);
        if (!group) {
          group = {
            family: row.family,
            resolution,
            bucketMs,
            keys,
            requests: 0,
            errors: 0,
            costSum: 0,
            charged: 0,
            points: 0,
            cacheHits: 0,
            durationSumMs: 0,
            lastSeenMs: 0,
            histogram: new Array<number>(LATENCY_BUCKET_COUNT).fill(0),
          };
          groups.set(id, group);
        }
        group.requests += requests;
        group.errors += num(row.errors);
        group.costSum += num(row.cost_sum);
        group.charged += num(row.charged);
        group.points += num(row.points);
        group.cacheHits += num(row.cache_hits);
        group.durationSumMs += num(row.duration_sum_ms);
        group.lastSeenMs = Math.max(group.lastSeenMs, num(row.last_seen_ms));
        const bucket = Math.min(LATENCY_BUCKET_COUNT - 1, Math.max(0, num(row.bucket)));
        group.histogram[bucket]! += requests;
      }
    }

    for (const family of ['request', 'error', 'backend'] as const) {
      const table = ROLLUP_TABLES[family];
      const keyColumns = family === 'request' ? [] : family === 'error' ? (['error_code'] as const) : (['backend', 'error_code'] as const);
      const familyGroups = [...groups.values()].filter((group) => group.family === family);
      for (const batch of chunks(familyGroups)) {
        const values = batch.map((group) => ({
          resolution: group.resolution,
          bucket_ms: group.bucketMs,
          consumer: group.keys.consumer,
          plan: group.keys.plan,
          document_hash: group.keys.document_hash,
          operation_name: group.keys.operation_name,
          ...Object.fromEntries(keyColumns.map((column) => [column, group.keys[column]])),
          requests: group.requests,
          errors: group.errors,
          cost_sum: group.costSum,
          charged: group.charged,
          points: group.points,
          cache_hits: group.cacheHits,
          duration_sum_ms: group.durationSumMs,
          last_seen_ms: group.lastSeenMs,
          // Array literal text: both drivers send it as an untyped parameter, cast by the column.
          latency_histogram: `{${group.histogram.join(',')}}`,
        }));
        const column = (name: string) => sql.ref(`${table}.${name}`);
        const added = (name: string) => sql`${column(name)} + excluded.${sql.ref(name)}`;
        await nextTurn();
        // Three tables of one shape, chosen at run time: Kysely cannot type the union, hence the casts.
        await trx
          .insertInto(table)
          .values(values as never)
          .onConflict((conflict) =>
            conflict.columns(['resolution', 'bucket_ms', 'consumer', 'plan', 'document_hash', 'operation_name', ...keyColumns] as never).doUpdateSet({
              requests: added('requests'),
              errors: added('errors'),
              cost_sum: added('cost_sum'),
              charged: added('charged'),
              points: added('points'),
              cache_hits: added('cache_hits'),
              duration_sum_ms: added('duration_sum_ms'),
              last_seen_ms: sql`greatest(${column('last_seen_ms')}, excluded.last_seen_ms)`,
              latency_histogram: sql`array(
                select coalesce(a, 0) + coalesce(b, 0)
                from unnest(${column('latency_histogram')}, excluded.latency_histogram) with ordinality as h(a, b, i)
                order by i)`,
            } as never),
          )
          .execute();
      }
    }
    return { locked: true, rolled, rows: rolledRows };
  });
}

export async function pruneUsage(db: Kysely<Database>, horizons: UsagePruneHorizons): Promise<UsagePruneCounts> {
  const deleted = (result: { numDeletedRows: bigint }[]) => result.reduce((sum, part) => sum + Number(part.numDeletedRows), 0);
  // Only rolled records: one not rolled up yet (its instance was cut off for a while) is still counted.
  const raw = deleted(await db.deleteFrom('usage_requests').where('rolled', '=', true).where('at_ms', '<', horizons.rawBeforeMs).execute());
  const counts: UsagePruneCounts = { raw, minute: 0, hour: 0, day: 0, operations: 0 };
  const before: Record<RollupResolution, number> = { minute: horizons.minuteBeforeMs, hour: horizons.hourBeforeMs, day: horizons.dayBeforeMs };
  for (const resolution of ['minute', 'hour', 'day'] as const) {
    for (const table of Object.values(ROLLUP_TABLES)) {
      counts[resolution] += deleted(
        await db.deleteFrom(table).where('resolution', '=', resolution).where('bucket_ms', '<', before[resolution]).execute(),
      );
    }
  }
  counts.operations = deleted(await db.deleteFrom('usage_operations').where('last_seen_ms', '<', horizons.operationsBeforeMs).execute());
  return counts;
}
