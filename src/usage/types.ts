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

/** A backend's calls within one usage row that ended alike: same backend, outcome and latency bucket. */
export interface BackendCallGroup {
  backend: string;
  errorCode: string | null;
  /** See `latency-buckets.ts`. */
  latencyBucket: number;
  calls: number;
  durationSumMs: number;
}

/**
 * Alike /graphql operations of one second, ready to be written: every field is plain data. One row
 * stands for every request of that second with the same consumer, plan, operation, cost, latency
 * bucket, status, error codes and cache outcome, so a steady load writes a few rows a second, not
 * one per request (Hive's and Apollo's usage reports aggregate the same way).
 */
export interface UsageRow {
  /** The first request's arrival, in ms since the epoch. */
  atMs: number;
  /** The latest request's arrival. */
  lastAtMs: number;
  /** How many requests the row stands for. */
  requests: number;
  /** Consumer name (`anonymous` for the anonymous plan); null when none was established. */
  consumer: string | null;
  plan: string | null;
  /** `sha256:<hex>` of the document text; null when no document was executed (refused before, or unparsable). */
  documentHash: string | null;
  operationName: string | null;
  /** Cost points each operation was charged (its static cost); null when it was not admitted or not priced. */
  cost: number | null;
  /** The requests' durations, added up. */
  durationSumMs: number;
  /** The latency bucket every one of them fell in. */
  latencyBucket: number;
  httpStatus: number;
  /** Distinct `extensions.code`s of each response's errors. */
  errorCodes: readonly string[];
  cacheHit: boolean;
  backends: readonly BackendCallGroup[];
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

export interface UsageGroupRow extends UsageGroupKey, UsageSums {}

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
   * Adds rows not rolled up yet (at most `batchLimit`, recorded before `beforeMs`) to the minute,
   * hour and day rollups and marks them rolled, in one transaction: `rows` of them, standing for
   * `rolled` requests. `locked: false`: another instance is rolling up right now, nothing was done.
   */
  rollUp(options: { beforeMs: number; batchLimit: number }): Promise<{ locked: boolean; rolled: number; rows: number }>;
  prune(horizons: UsagePruneHorizons): Promise<UsagePruneCounts>;
  aggregate(query: UsageSegmentQuery): Promise<UsageGroupRow[]>;
  histogram(query: UsageSegmentQuery): Promise<UsageHistogramRow[]>;
}
