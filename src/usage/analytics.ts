import { LATENCY_BUCKET_COUNT, quantileOf } from './latency-buckets.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, segmentsOf, type UsageRetention } from './retention.js';
import type { CoordinateMatch, UsageDimension, UsageFilter, UsageGroupKey, UsageGroupRow, UsageStore, UsageSums } from './types.js';

export type UsageInterval = 'MINUTE' | 'HOUR' | 'DAY';

const INTERVAL_MS: Record<UsageInterval, number> = { MINUTE: MINUTE_MS, HOUR: HOUR_MS, DAY: DAY_MS };

export interface UsageQuery {
  filter: UsageFilter;
  /** @default 24 hours before now */
  fromMs?: number | undefined;
  /** Exclusive. @default now (a record of this very millisecond included) */
  toMs?: number | undefined;
  groupBy: readonly UsageDimension[];
  /** Time buckets; none: one bucket for the whole range. */
  interval?: UsageInterval | null | undefined;
  /** Most buckets returned, earliest first and the busiest first within a time bucket. @default 1000 */
  first?: number | undefined;
}

export interface LatencyPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface UsageBucket extends Omit<UsageGroupKey, 'bucketMs'>, UsageSums {
  /** Start of the time bucket; null without an interval. */
  startMs: number | null;
  errorRate: number;
  latency: LatencyPercentiles;
}

export interface UsageReport {
  fromMs: number;
  toMs: number;
  /** Percentiles come from latency histograms (records are grouped per latency bucket). */
  latencyPrecision: 'HISTOGRAM';
  buckets: UsageBucket[];
  /** More buckets matched than `first`. */
  truncated: boolean;
}

export interface UsedBy {
  requests: number;
  lastSeenMs: number | null;
  /** Consumer names, busiest first (requests without a consumer are counted, not named). */
  consumers: Array<{ consumer: string; requests: number; lastSeenMs: number }>;
  operations: Array<{ name: string | null; documentHash: string; requests: number; consumers: string[] }>;
}

export interface UsageAnalyticsOptions {
  store: Pick<UsageStore, 'aggregate' | 'histogram'>;
  retention: UsageRetention;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
}

interface Group {
  key: UsageGroupKey;
  sums: UsageSums;
  histogram: number[] | null;
}

const DEFAULT_RANGE_MS = DAY_MS;

/**
 * The analytics over usage records: each question is split by time into the sources that hold it
 * (raw records for the recent past, then minute, hour and day rollups, see `retention.ts`), asked
 * of each, and the answers added up per group. Counts and sums are exact at every resolution;
 * latency percentiles are read from the added-up histograms (within one latency bucket, 19%): raw
 * records, too, group alike requests by latency bucket.
 */
export class UsageAnalytics {
  readonly #store: UsageAnalyticsOptions['store'];
  readonly #retention: UsageRetention;
  readonly #now: () => number;

  constructor({ store, retention, now = Date.now }: UsageAnalyticsOptions) {
    this.#store = store;
    this.#retention = retention;
    this.#now = now;
  }

  async usage({ filter, fromMs, toMs, groupBy, interval, first = 1_000 }: UsageQuery): Promise<UsageReport> {
    const now = this.#now();
    const to = toMs ?? now + 1;
    const from = fromMs ?? to - DEFAULT_RANGE_MS;
    const dimensions = [...new Set(groupBy)];
    const intervalMs = interval ? INTERVAL_MS[interval] : null;
    const groups = await this.#groups(now, from, to, dimensions, intervalMs, filter);
    const buckets = groups
      .filter((group) => group.sums.requests > 0)
      .map((group): UsageBucket => {
        const { bucketMs, ...key } = group.key;
        return {
          ...key,
          ...group.sums,
          startMs: bucketMs,
          errorRate: group.sums.errors / group.sums.requests,
          latency: percentilesOf(group.histogram),
        };
      })
      .sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0) || b.requests - a.requests || keyText(a).localeCompare(keyText(b)));
    return {
      fromMs: from,
      toMs: to,
      latencyPrecision: 'HISTOGRAM',
      buckets: buckets.slice(0, first),
      truncated: buckets.length > first,
    };
  }

  /** Who used any of these coordinates since `sinceMs`, through which operations, and how often. */
  async usedBy(coordinates: CoordinateMatch, sinceMs: number): Promise<UsedBy> {
    const now = this.#now();
    // Summed only: no latency needed, so no histogram query.
    const groups = await this.#groups(now, sinceMs, now + 1, ['CONSUMER', 'OPERATION'], null, { coordinates }, false);
    const consumers = new Map<string, { consumer: string; requests: number; lastSeenMs: number }>();
    const operations = new Map<string, { name: string | null; documentHash: string; requests: number; consumers: Set<string> }>();
    let requests = 0;
    let lastSeenMs: number | null = null;
    for (const { key, sums } of groups) {
      if (sums.requests === 0) continue;
      requests += sums.requests;
      lastSeenMs = Math.max(lastSeenMs ?? 0, sums.lastSeenMs);
      if (key.consumer) {
        const entry = consumers.get(key.consumer) ?? { consumer: key.consumer, requests: 0, lastSeenMs: 0 };
        entry.requests += sums.requests;
        entry.lastSeenMs = Math.max(entry.lastSeenMs, sums.lastSeenMs);
        consumers.set(key.consumer, entry);
      }
      if (key.documentHash) {
        const id = `${key.documentHash}\n${key.operation ?? ''}`;
        const entry = operations.get(id) ?? { name: key.operation ?? null, documentHash: key.documentHash, requests: 0, consumers: new Set<string>() };
        entry.requests += sums.requests;
        if (key.consumer) entry.consumers.add(key.consumer);
        operations.set(id, entry);
      }
    }
    return {
      requests,
      lastSeenMs,
      consumers: [...consumers.values()].sort((a, b) => b.requests - a.requests || a.consumer.localeCompare(b.consumer)),
      operations: [...operations.values()]
        .map((operation) => ({ ...operation, consumers: [...operation.consumers].sort() }))
        .sort((a, b) => b.requests - a.requests || (a.name ?? '').localeCompare(b.name ?? '')),
    };
  }

  /** A consumer's sums over [fromMs, now]: what it was charged in a quota period. */
  async totals(filter: UsageFilter, fromMs: number): Promise<UsageSums> {
    const now = this.#now();
    const groups = await this.#groups(now, fromMs, now + 1, [], null, filter, false);
    return groups[0]?.sums ?? emptySums();
  }

  async #groups(
    now: number,
    fromMs: number,
    toMs: number,
    dimensions: readonly UsageDimension[],
    intervalMs: number | null,
    filter: UsageFilter,
    withLatency = true,
  ): Promise<Group[]> {
    const segments = segmentsOf(this.#retention, now, fromMs, toMs);
    const groups = new Map<string, Group>();
    const groupOf = (key: UsageGroupKey): Group => {
      const id = groupId(key);
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { key, sums: emptySums(), histogram: null }));
      return group;
    };
    await Promise.all(
      segments.map(async (segment) => {
        const query = { ...segment, dimensions, intervalMs, filter };
        const [rows, histogram] = await Promise.all([this.#store.aggregate(query), withLatency ? this.#store.histogram(query) : Promise.resolve([])]);
        for (const row of rows) addSums(groupOf(row).sums, row);
        for (const row of histogram) {
          const group = groupOf(row);
          group.histogram ??= new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
          group.histogram[row.bucket] = (group.histogram[row.bucket] ?? 0) + row.count;
        }
      }),
    );
    return [...groups.values()];
  }
}

function emptySums(): UsageSums {
  return { requests: 0, errors: 0, costSum: 0, charged: 0, points: 0, cacheHits: 0, durationSumMs: 0, lastSeenMs: 0 };
}

function addSums(into: UsageSums, row: UsageGroupRow): void {
  into.requests += row.requests;
  into.errors += row.errors;
  into.costSum += row.costSum;
  into.charged += row.charged;
  into.points += row.points;
  into.cacheHits += row.cacheHits;
  into.durationSumMs += row.durationSumMs;
  into.lastSeenMs = Math.max(into.lastSeenMs, row.lastSeenMs);
}

const KEY_FIELDS = ['bucketMs', 'consumer', 'plan', 'operation', 'documentHash', 'field', 'backend', 'errorCode'] as const;

function groupId(key: UsageGroupKey): string {
  return KEY_FIELDS.map((field) => String(key[field] ?? '')).join('\n');
}

function keyText(bucket: UsageBucket): string {
  return [bucket.consumer, bucket.plan, bucket.operation, bucket.documentHash, bucket.field, bucket.backend, bucket.errorCode].map((value) => value ?? '').join('\n');
}

function percentilesOf(histogram: readonly number[] | null): LatencyPercentiles {
  if (!histogram) return { p50: null, p95: null, p99: null };
  return { p50: quantileOf(histogram, 0.5), p95: quantileOf(histogram, 0.95), p99: quantileOf(histogram, 0.99) };
}
