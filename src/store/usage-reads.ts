import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { UsageDimension, UsageGroupKey, UsageGroupRow, UsageHistogramRow, UsageSegmentQuery } from '../usage/types.js';
import type { Database } from './database.js';
import { BACKEND_MEASURES, backendCallsOf, errorCodesOf, num, REQUEST_MEASURES, ROLLUP_TABLES, unstored, type Family } from './usage-tables.js';

// The analytics over usage records: one segment of a question (one source, one time range) in SQL.

/** The SQL of one source and family: what to select from, and what each dimension and measure is. */
interface SourceSql {
  from: RawBuilder<unknown>;
  where: RawBuilder<unknown>[];
  time: RawBuilder<unknown>;
  /** The grouped table's alias (its document_hash and operation_name join the coordinates). */
  alias: RawBuilder<unknown>;
  dimensions: Partial<Record<Exclude<UsageDimension, 'FIELD' | 'OPERATION'>, RawBuilder<unknown>>>;
  measures: RawBuilder<unknown>;
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
        from: sql`usage_requests r ${backendCallsOf(sql`r.backends`)}`,
        dimensions: { CONSUMER: sql`r.consumer`, PLAN: sql`r.plan`, BACKEND: sql`b.name`, ERROR_CODE: sql`coalesce(b.error_code, '')` },
        measures: BACKEND_MEASURES,
        histogram: { join: null, bucket: sql`b.bucket`, count: sql`sum(b.calls)`, nonZero: null },
      };
    }
    return {
      ...base,
      from: family === 'error' ? sql`usage_requests r ${errorCodesOf(sql`r.error_codes`)}` : sql`usage_requests r`,
      dimensions: { CONSUMER: sql`r.consumer`, PLAN: sql`r.plan`, ...(family === 'error' && { ERROR_CODE: sql`e.code` }) },
      measures: REQUEST_MEASURES,
      histogram: { join: null, bucket: sql`r.latency_bucket`, count: sql`sum(r.requests)`, nonZero: null },
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

/** Counts and sums per group of one segment. */
export async function aggregateUsage(db: Kysely<Database>, query: UsageSegmentQuery): Promise<UsageGroupRow[]> {
  const source = sourceSql(query);
  const grouped = groupedSql(query, source);
  const { rows } = await sql<Record<string, unknown>>`
    select ${sql.join([...grouped.select, source.measures])}
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
