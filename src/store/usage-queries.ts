import { sql, type Kysely, type RawBuilder } from 'kysely';
import { LATENCY_BUCKET_COUNT, latencyBucketOf } from '../usage/latency-buckets.js';
import type {
  OperationRow,
  RollupResolution,
  UsageDimension,
  UsageGroupKey,
  UsageGroupRow,
  UsageHistogramRow,
  UsagePruneCounts,
  UsagePruneHorizons,
  UsageRow,
  UsageSegmentQuery,
} from '../usage/types.js';
import type { Database } from './database.js';
import type { AdvisoryLockKey } from './locks.js';

// '' is "none" in key columns (they are part of primary keys); null outside the store.
const NONE = '';
const stored = (value: string | null | undefined): string => value ?? NONE;
const unstored = (value: unknown): string | null => (value === NONE || value == null ? null : String(value));
// `pg` returns bigint and numeric aggregates as strings.
const num = (value: unknown): number => (value == null ? 0 : Number(value));

const ROWS_PER_INSERT = 500;
// ~6 ms of PGlite per statement (measured ~25 ms per 1,000 records).
const RECORDS_PER_INSERT = 250;

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
        await trx.insertInto('usage_operation_coordinates').values(part).onConflict((conflict) => conflict.doNothing()).execute();
      }
    }
    // One JSON parameter per statement, unpacked by jsonb_to_recordset: about half the cost of
    // binding 13 parameters a row, and small statements, since PGlite runs each on the event loop.
    for (const batch of chunks(rows, RECORDS_PER_INSERT)) {
      const records = batch.map((row) => ({
        at_ms: row.atMs,
        consumer: stored(row.consumer),
        plan: stored(row.plan),
        document_hash: stored(row.documentHash),
        operation_name: stored(row.operationName),
        cost: row.cost,
        duration_ms: row.durationMs,
        latency_bucket: latencyBucketOf(row.durationMs),
        http_status: row.httpStatus,
        error_codes: row.errorCodes,
        is_error: row.errorCodes.length > 0 || row.httpStatus >= 500,
        cache_hit: row.cacheHit,
        backends: row.backends.map((call) => ({
          name: call.backend,
          durationMs: call.durationMs,
          bucket: latencyBucketOf(call.durationMs),
          errorCode: call.errorCode,
        })),
      }));
      await sql`
        insert into usage_requests (at_ms, consumer, plan, document_hash, operation_name, cost, duration_ms, latency_bucket,
                                    http_status, error_codes, is_error, cache_hit, backends)
        select at_ms, consumer, plan, document_hash, operation_name, cost, duration_ms, latency_bucket,
               http_status, error_codes, is_error, cache_hit, backends
        from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(
          at_ms bigint, consumer text, plan text, document_hash text, operation_name text, cost integer,
          duration_ms double precision, latency_bucket smallint, http_status smallint, error_codes jsonb,
          is_error boolean, cache_hit boolean, backends jsonb)`.execute(trx);
    }
  });
}

// ─── rollups ──────────────────────────────────────────────────────────────────────────────

type Family = 'request' | 'error' | 'backend';

const ROLLUP_TABLES = {
  request: 'usage_rollups',
  error: 'usage_error_rollups',
  backend: 'usage_backend_rollups',
} as const satisfies Record<Family, keyof Database>;

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
): Promise<{ locked: boolean; rolled: number }> {
  return db.transaction().execute(async (trx) => {
    const lock = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${classId}, ${objectId}) as locked`.execute(trx);
    if (!lock.rows[0]?.locked) return { locked: false, rolled: 0 };
    const { rows } = await sql<RolledGroup>`
      with batch as (
        select id from usage_requests
        where not rolled and at_ms < ${beforeMs}
        order by id limit ${batchLimit}
        for update skip locked
      ), rolled as (
        update usage_requests u set rolled = true from batch where u.id = batch.id
        returning u.at_ms, u.consumer, u.plan, u.document_hash, u.operation_name, u.cost, u.duration_ms,
                  u.latency_bucket, u.error_codes, u.is_error, u.cache_hit, u.backends
      )
      select 'request' as family, (at_ms / 60000) * 60000 as minute_ms, consumer, plan, document_hash, operation_name,
             '' as backend, '' as error_code, latency_bucket as bucket,
             count(*) as requests, count(*) filter (where is_error) as errors, coalesce(sum(cost), 0) as cost_sum,
             count(cost) as charged, coalesce(sum(greatest(cost, 1)) filter (where cost is not null), 0) as points,
             count(*) filter (where cache_hit) as cache_hits, sum(duration_ms) as duration_sum_ms, max(at_ms) as last_seen_ms
      from rolled group by 2, 3, 4, 5, 6, 9
      union all
      select 'error', (at_ms / 60000) * 60000, consumer, plan, document_hash, operation_name, '', e.code, latency_bucket,
             count(*), count(*) filter (where is_error), coalesce(sum(cost), 0), count(cost),
             coalesce(sum(greatest(cost, 1)) filter (where cost is not null), 0),
             count(*) filter (where cache_hit), sum(duration_ms), max(at_ms)
      from rolled
      cross join lateral jsonb_array_elements_text(case when jsonb_array_length(error_codes) = 0 then '[""]'::jsonb else error_codes end) as e(code)
      group by 2, 3, 4, 5, 6, 8, 9
      union all
      select 'backend', (at_ms / 60000) * 60000, consumer, plan, document_hash, operation_name, b.name, coalesce(b."errorCode", ''), b.bucket,
             count(*), count(*) filter (where b."errorCode" is not null), coalesce(sum(cost), 0), 0, 0, 0,
             sum(b."durationMs"), max(at_ms)
      from rolled
      cross join lateral jsonb_to_recordset(backends) as b(name text, "durationMs" double precision, bucket integer, "errorCode" text)
      group by 2, 3, 4, 5, 6, 7, 8, 9`.execute(trx);

    const groups = new Map<string, RollupAccumulator>();
    let rolled = 0;
    for (const row of rows) {
      const requests = num(row.requests);
      if (row.family === 'request') rolled += requests;
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
    return { locked: true, rolled };
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

// ─── analytics ────────────────────────────────────────────────────────────────────────────

/** The SQL of one source and family: what to select from, and what each dimension and measure is. */
interface SourceSql {
  from: RawBuilder<unknown>;
  where: RawBuilder<unknown>[];
  time: RawBuilder<unknown>;
  /** The grouped table's alias (its document_hash and operation_name join the coordinates). */
  alias: RawBuilder<unknown>;
  dimensions: Partial<Record<Exclude<UsageDimension, 'FIELD' | 'OPERATION'>, RawBuilder<unknown>>>;
  measures: RawBuilder<unknown>;
  /** Raw sources: a record's duration. */
  duration?: RawBuilder<unknown>;
  /** Raw: the record's latency bucket; rollups: unnested from the histogram. */
  histogram: { join: RawBuilder<unknown> | null; bucket: RawBuilder<unknown>; count: RawBuilder<unknown>; nonZero: RawBuilder<unknown> | null };
}

function familyOf(query: UsageSegmentQuery): Family {
  if (query.dimensions.includes('BACKEND') || query.filter.backend !== undefined) return 'backend';
  return query.dimensions.includes('ERROR_CODE') ? 'error' : 'request';
}

function sourceSql(query: UsageSegmentQuery): SourceSql {
  const family = familyOf(query);
  if (query.source === 'raw') {
    const r = sql.raw('r');
    const base = {
      alias: r,
      time: sql`r.at_ms`,
      where: [
        sql`r.at_ms >= ${query.fromMs}`,
        sql`r.at_ms < ${query.toMs}`,
        // Records before the horizon are answered by the rollups once rolled.
        sql`(r.at_ms >= ${query.rawHorizonMs} or not r.rolled)`,
      ],
    };
    if (family === 'backend') {
      return {
        ...base,
        from: sql`usage_requests r cross join lateral jsonb_to_recordset(r.backends) as b(name text, "durationMs" double precision, bucket integer, "errorCode" text)`,
        dimensions: { CONSUMER: sql`r.consumer`, PLAN: sql`r.plan`, BACKEND: sql`b.name`, ERROR_CODE: sql`coalesce(b."errorCode", '')` },
        measures: sql`count(*) as requests, count(*) filter (where b."errorCode" is not null) as errors, coalesce(sum(r.cost), 0) as cost_sum,
          0 as charged, 0 as points, 0 as cache_hits, coalesce(sum(b."durationMs"), 0) as duration_sum_ms, max(r.at_ms) as last_seen_ms`,
        duration: sql`b."durationMs"`,
        histogram: { join: null, bucket: sql`b.bucket`, count: sql`count(*)`, nonZero: null },
      };
    }
    return {
      ...base,
      from:
        family === 'error'
          ? sql`usage_requests r cross join lateral jsonb_array_elements_text(case when jsonb_array_length(r.error_codes) = 0 then '[""]'::jsonb else r.error_codes end) as e(code)`
          : sql`usage_requests r`,
      dimensions: { CONSUMER: sql`r.consumer`, PLAN: sql`r.plan`, ...(family === 'error' && { ERROR_CODE: sql`e.code` }) },
      measures: sql`count(*) as requests, count(*) filter (where r.is_error) as errors, coalesce(sum(r.cost), 0) as cost_sum,
        count(r.cost) as charged, coalesce(sum(greatest(r.cost, 1)) filter (where r.cost is not null), 0) as points,
        count(*) filter (where r.cache_hit) as cache_hits, coalesce(sum(r.duration_ms), 0) as duration_sum_ms, max(r.at_ms) as last_seen_ms`,
      duration: sql`r.duration_ms`,
      histogram: { join: null, bucket: sql`r.latency_bucket`, count: sql`count(*)`, nonZero: null },
    };
  }
  const table = sql.table(ROLLUP_TABLES[family]);
  return {
    alias: sql.raw('x'),
    from: sql`${table} x`,
    time: sql`x.bucket_ms`,
    where: [sql`x.resolution = ${query.source}`, sql`x.bucket_ms >= ${query.fromMs}`, sql`x.bucket_ms < ${query.toMs}`],
    dimensions: {
      CONSUMER: sql`x.consumer`,
      PLAN: sql`x.plan`,
      ...(family !== 'request' && { ERROR_CODE: sql`x.error_code` }),
      ...(family === 'backend' && { BACKEND: sql`x.backend` }),
    },
    measures: sql`coalesce(sum(x.requests), 0) as requests, coalesce(sum(x.errors), 0) as errors, coalesce(sum(x.cost_sum), 0) as cost_sum,
      coalesce(sum(x.charged), 0) as charged, coalesce(sum(x.points), 0) as points, coalesce(sum(x.cache_hits), 0) as cache_hits,
      coalesce(sum(x.duration_sum_ms), 0) as duration_sum_ms, max(x.last_seen_ms) as last_seen_ms`,
    histogram: {
      join: sql`cross join lateral unnest(x.latency_histogram) with ordinality as h(n, i)`,
      bucket: sql`(h.i - 1)`,
      count: sql`sum(h.n)`,
      nonZero: sql`h.n > 0`,
    },
  };
}

function coordinateMatch(column: RawBuilder<unknown>, match: NonNullable<UsageSegmentQuery['filter']['coordinates']>): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (match.exact.length) parts.push(sql`${column} in (${sql.join(match.exact)})`);
  for (const prefix of match.prefixes) parts.push(sql`starts_with(${column}, ${prefix})`);
  return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`;
}

interface GroupedSql {
  select: RawBuilder<unknown>[];
  groupBy: RawBuilder<unknown>[];
  from: RawBuilder<unknown>;
  where: RawBuilder<unknown>;
}

/** FROM, WHERE, the selected dimensions and what to group by, shared by both queries. */
function groupedSql(query: UsageSegmentQuery, source: SourceSql): GroupedSql {
  const { alias } = source;
  const select: RawBuilder<unknown>[] = [];
  const groupBy: RawBuilder<unknown>[] = [];
  const add = (expression: RawBuilder<unknown>, name: string) => {
    select.push(sql`${expression} as ${sql.ref(name)}`);
    groupBy.push(expression);
  };
  // Without an interval nothing is grouped by time (a constant in GROUP BY would be read as a column position).
  // A literal, not a parameter: GROUP BY must repeat the selected expression exactly.
  if (query.intervalMs) {
    if (!Number.isSafeInteger(query.intervalMs) || query.intervalMs <= 0) throw new Error(`Bad usage interval: ${query.intervalMs}`);
    const interval = sql.lit(query.intervalMs);
    add(sql`(${source.time} / ${interval}) * ${interval}`, 'bucket_ms');
  }
  const where = [...source.where];
  let from = source.from;
  const byField = query.dimensions.includes('FIELD');
  for (const dimension of query.dimensions) {
    if (dimension === 'FIELD') continue;
    if (dimension === 'OPERATION') {
      add(sql`${alias}.operation_name`, 'operation');
      add(sql`${alias}.document_hash`, 'document_hash');
      continue;
    }
    const expression = source.dimensions[dimension];
    if (!expression) throw new Error(`No ${dimension} dimension in this source.`);
    add(expression, dimension.toLowerCase());
  }
  if (byField) {
    // A join: an operation counts once for each coordinate it uses.
    from = sql`${from} join usage_operation_coordinates c on c.document_hash = ${alias}.document_hash and c.operation_name = ${alias}.operation_name`;
    add(sql`c.coordinate`, 'field');
    if (query.filter.coordinates) where.push(coordinateMatch(sql`c.coordinate`, query.filter.coordinates));
  } else if (query.filter.coordinates) {
    // A semi-join: an operation using several matching coordinates still counts once.
    where.push(sql`exists (select 1 from usage_operation_coordinates c
      where c.document_hash = ${alias}.document_hash and c.operation_name = ${alias}.operation_name
        and ${coordinateMatch(sql`c.coordinate`, query.filter.coordinates)})`);
  }
  const { consumer, plan, operation, backend } = query.filter;
  if (consumer !== undefined) where.push(sql`${alias}.consumer = ${consumer}`);
  if (plan !== undefined) where.push(sql`${alias}.plan = ${plan}`);
  if (operation !== undefined) where.push(sql`${alias}.operation_name = ${operation}`);
  if (backend !== undefined) where.push(sql`${source.dimensions.BACKEND!} = ${backend}`);
  return { select, groupBy, from, where: sql.join(where, sql` and `) };
}

function keyOf(row: Record<string, unknown>, query: UsageSegmentQuery): UsageGroupKey {
  const key: UsageGroupKey = { bucketMs: query.intervalMs ? num(row['bucket_ms']) : null };
  for (const dimension of query.dimensions) {
    switch (dimension) {
      case 'CONSUMER':
        key.consumer = unstored(row['consumer']);
        break;
      case 'PLAN':
        key.plan = unstored(row['plan']);
        break;
      case 'OPERATION':
        key.operation = unstored(row['operation']);
        key.documentHash = unstored(row['document_hash']);
        break;
      case 'FIELD':
        key.field = unstored(row['field']);
        break;
      case 'BACKEND':
        key.backend = unstored(row['backend']);
        break;
      case 'ERROR_CODE':
        key.errorCode = unstored(row['error_code']);
        break;
    }
  }
  return key;
}

/** Counts and sums per group of one segment (and, raw with `exactPercentiles`, its percentiles). */
export async function aggregateUsage(db: Kysely<Database>, query: UsageSegmentQuery): Promise<UsageGroupRow[]> {
  const source = sourceSql(query);
  const grouped = groupedSql(query, source);
  const percentiles =
    query.exactPercentiles && source.duration
      ? sql`, percentile_cont(0.5) within group (order by ${source.duration}) as p50,
            percentile_cont(0.95) within group (order by ${source.duration}) as p95,
            percentile_cont(0.99) within group (order by ${source.duration}) as p99`
      : sql``;
  const { rows } = await sql<Record<string, unknown>>`
    select ${sql.join([...grouped.select, source.measures])}${percentiles}
    from ${grouped.from}
    where ${grouped.where}
    ${grouped.groupBy.length ? sql`group by ${sql.join(grouped.groupBy)}` : sql``}`.execute(db);
  return rows.map((row) => ({
    ...keyOf(row, query),
    requests: num(row['requests']),
    errors: num(row['errors']),
    costSum: num(row['cost_sum']),
    charged: num(row['charged']),
    points: num(row['points']),
    cacheHits: num(row['cache_hits']),
    durationSumMs: num(row['duration_sum_ms']),
    lastSeenMs: num(row['last_seen_ms']),
    ...(query.exactPercentiles && {
      p50: row['p50'] == null ? null : Number(row['p50']),
      p95: row['p95'] == null ? null : Number(row['p95']),
      p99: row['p99'] == null ? null : Number(row['p99']),
    }),
  }));
}

/** Latency histogram counts per group of one segment (non-zero buckets only). */
export async function usageHistogram(db: Kysely<Database>, query: UsageSegmentQuery): Promise<UsageHistogramRow[]> {
  const source = sourceSql(query);
  const grouped = groupedSql(query, source);
  const { join, bucket, count, nonZero } = source.histogram;
  const { rows } = await sql<Record<string, unknown>>`
    select ${sql.join([...grouped.select, sql`${bucket} as bucket`, sql`${count} as count`])}
    from ${grouped.from} ${join ?? sql``}
    where ${grouped.where}${nonZero ? sql` and ${nonZero}` : sql``}
    group by ${sql.join([...grouped.groupBy, bucket])}`.execute(db);
  return rows.map((row) => ({ ...keyOf(row, query), bucket: num(row['bucket']), count: num(row['count']) }));
}
