/**
 * Usage records as the store holds them, and the questions the analytics ask of it. A leaf:
 * the store imports these types, so this file imports nothing.
 */

/** One backend call of an operation, from the engine's `gatehouse:subgraph-fetch` channel. */
export interface BackendCall {
  backend: string;
  durationMs: number;
  /** Null when the call answered without errors; else its first error code (`BACKEND_*`, the backend's own, or `FETCH_FAILED`). */
  errorCode: string | null;
}

/** One /graphql operation, ready to be written: every field is plain data. */
export interface UsageRow {
  /** When the request arrived, in ms since the epoch. */
  atMs: number;
  /** Consumer name (`anonymous` for the anonymous plan); null when none was established. */
  consumer: string | null;
  plan: string | null;
  /** `sha256:<hex>` of the document text; null when no document was executed (refused before, or unparsable). */
  documentHash: string | null;
  operationName: string | null;
  /** Cost points the operation was charged (its static cost); null when it was not admitted or not priced. */
  cost: number | null;
  durationMs: number;
  httpStatus: number;
  /** Distinct `extensions.code`s of the response's errors. */
  errorCodes: readonly string[];
  cacheHit: boolean;
  backends: readonly BackendCall[];
}

/** An operation's description, written once per (document, operation name). */
export interface OperationRow {
  documentHash: string;
  operationName: string | null;
  operationType: string;
  /** Schema coordinates the operation uses (`Type.field`, `Type.field.arg`, `Input.field`, `Enum.VALUE`, whole `Type`s). */
  coordinates: readonly string[];
}

/** Dimensions of the analytics; the admin API's `UsageDimension`. */
export type UsageDimension = 'CONSUMER' | 'PLAN' | 'OPERATION' | 'FIELD' | 'BACKEND' | 'ERROR_CODE';

/** Where a segment of a query's time range is read from. */
export type UsageSource = 'raw' | 'minute' | 'hour' | 'day';

export type RollupResolution = Exclude<UsageSource, 'raw'>;

/** Which coordinates an operation must use to be counted: exactly one of these, or one starting with a prefix. */
export interface CoordinateMatch {
  exact: readonly string[];
  prefixes: readonly string[];
}

export interface UsageFilter {
  consumer?: string | undefined;
  plan?: string | undefined;
  operation?: string | undefined;
  backend?: string | undefined;
  coordinates?: CoordinateMatch | undefined;
}

/** One segment of one analytics question, answered from one source. */
export interface UsageSegmentQuery {
  source: UsageSource;
  /** [fromMs, toMs): `at` for raw records, the period's start for rollups. */
  fromMs: number;
  toMs: number;
  /** Raw only: records before it were rolled up, and count only while they are not (see `usage-queries.ts`). */
  rawHorizonMs: number;
  dimensions: readonly UsageDimension[];
  /** Width of the time buckets in ms; null: one bucket for the whole range. */
  intervalMs: number | null;
  filter: UsageFilter;
  /** Raw only: compute exact percentiles (`percentile_cont`) instead of histogram counts. */
  exactPercentiles: boolean;
}

/** The values a group is keyed by; '' stands for "none" in the store and is null here. */
export interface UsageGroupKey {
  bucketMs: number | null;
  consumer?: string | null;
  plan?: string | null;
  operation?: string | null;
  documentHash?: string | null;
  field?: string | null;
  backend?: string | null;
  errorCode?: string | null;
}

export interface UsageSums {
  requests: number;
  errors: number;
  costSum: number;
  /** Requests charged to the plan's budgets (admitted with a cost). */
  charged: number;
  /** Cost points charged: each charged request at least 1. */
  points: number;
  cacheHits: number;
  durationSumMs: number;
  /** Time of the latest record, or the start of the latest period, in the group. */
  lastSeenMs: number;
}

export interface UsageGroupRow extends UsageGroupKey, UsageSums {
  /** Set when the query asked for exact percentiles. */
  p50?: number | null;
  p95?: number | null;
  p99?: number | null;
}

export interface UsageHistogramRow extends UsageGroupKey {
  /** Index of the latency bucket (see `latency-buckets.ts`). */
  bucket: number;
  count: number;
}

/** Time limits of a prune: what lies before each is deleted. */
export interface UsagePruneHorizons {
  /** Raw records already rolled up. */
  rawBeforeMs: number;
  minuteBeforeMs: number;
  hourBeforeMs: number;
  dayBeforeMs: number;
  /** Operation descriptions not seen since. */
  operationsBeforeMs: number;
}

export interface UsagePruneCounts {
  raw: number;
  minute: number;
  hour: number;
  day: number;
  operations: number;
}

/**
 * Usage records in the store. Every instance on one database writes the same tables, so counts
 * are the sum of all of them. `rollUp` is exactly-once per record on any number of instances.
 */
export interface UsageStore {
  /** One transaction: the operations (new ones with their coordinates) and the records. */
  write(rows: readonly UsageRow[], operations: readonly OperationRow[], seenAtMs: number): Promise<void>;
  /**
   * Adds records not rolled up yet (at most `batchLimit`, recorded before `beforeMs`) to the
   * minute, hour and day rollups and marks them rolled, in one transaction. `locked: false`: another
   * instance is rolling up right now, nothing was done.
   */
  rollUp(options: { beforeMs: number; batchLimit: number }): Promise<{ locked: boolean; rolled: number }>;
  prune(horizons: UsagePruneHorizons): Promise<UsagePruneCounts>;
  aggregate(query: UsageSegmentQuery): Promise<UsageGroupRow[]>;
  histogram(query: UsageSegmentQuery): Promise<UsageHistogramRow[]>;
}
