import type { SeriesBucket, UsageInterval } from './queries.js';

export interface TimeRange {
  key: string;
  /** The picker's button. */
  label: string;
  /** "in the last hour": the empty states' words. */
  phrase: string;
  ms: number;
  /** Bucket size of the charts: 60 to 720 points, none finer than the usage rollups keep. */
  interval: UsageInterval;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const INTERVAL_MS: Record<UsageInterval, number> = { MINUTE, HOUR, DAY };

export const RANGES: readonly TimeRange[] = [
  { key: '1h', label: '1h', phrase: 'in the last hour', ms: HOUR, interval: 'MINUTE' },
  { key: '6h', label: '6h', phrase: 'in the last 6 hours', ms: 6 * HOUR, interval: 'MINUTE' },
  { key: '24h', label: '24h', phrase: 'in the last 24 hours', ms: DAY, interval: 'HOUR' },
  { key: '7d', label: '7d', phrase: 'in the last 7 days', ms: 7 * DAY, interval: 'HOUR' },
  { key: '30d', label: '30d', phrase: 'in the last 30 days', ms: 30 * DAY, interval: 'DAY' },
];

export const DEFAULT_RANGE = RANGES[0]!;

export function rangeOf(key: string | null | undefined): TimeRange {
  return RANGES.find((range) => range.key === key) ?? DEFAULT_RANGE;
}

/** Auto-refresh choices, in seconds; 0 is off (the default). */
export const REFRESH_CHOICES: ReadonlyArray<{ seconds: number; label: string }> = [
  { seconds: 0, label: 'Off' },
  { seconds: 10, label: '10 s' },
  { seconds: 30, label: '30 s' },
  { seconds: 60, label: '1 min' },
  { seconds: 300, label: '5 min' },
];

/** Columns for uPlot: times in seconds, then requests, errors, p50, p95 and p99. */
export type SeriesColumns = [number[], number[], number[], Array<number | null>, Array<number | null>, Array<number | null>];

/**
 * The API returns only buckets that have records; the charts get every bucket of the range, the
 * empty ones at zero requests and with no latency (a gap in the line, not a fall to 0 ms).
 */
export function seriesColumns(buckets: readonly SeriesBucket[], fromMs: number, toMs: number, interval: UsageInterval): SeriesColumns {
  const step = INTERVAL_MS[interval];
  const byStart = new Map<number, SeriesBucket>();
  for (const bucket of buckets) byStart.set(Date.parse(bucket.start), bucket);
  const starts = new Set(byStart.keys());
  for (let start = Math.floor(fromMs / step) * step; start < toMs; start += step) starts.add(start);
  const columns: SeriesColumns = [[], [], [], [], [], []];
  for (const start of [...starts].sort((a, b) => a - b)) {
    const bucket = byStart.get(start);
    columns[0].push(start / 1000);
    columns[1].push(bucket?.requests ?? 0);
    columns[2].push(bucket?.errors ?? 0);
    columns[3].push(bucket?.latency.p50 ?? null);
    columns[4].push(bucket?.latency.p95 ?? null);
    columns[5].push(bucket?.latency.p99 ?? null);
  }
  return columns;
}
