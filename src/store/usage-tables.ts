import { sql, type RawBuilder } from 'kysely';
import type { Database } from './database.js';

// What the usage writes and reads share: the "none" marker of key columns, number parsing, the
// three rollup tables.

// '' is "none" in key columns (they are part of primary keys); null outside the store.
export const NONE = '';
export const stored = (value: string | null | undefined): string => value ?? NONE;
export const unstored = (value: unknown): string | null => (value === NONE || value == null ? null : String(value));
// `pg` returns bigint and numeric aggregates as strings.
export const num = (value: unknown): number => (value == null ? 0 : Number(value));

/** Requests; requests per error code; backend calls. */
export type Family = 'request' | 'error' | 'backend';

export const ROLLUP_TABLES = {
  request: 'usage_rollups',
  error: 'usage_error_rollups',
  backend: 'usage_backend_rollups',
} as const satisfies Record<Family, keyof Database>;

// ─── SQL over usage_requests, shared by the rollup job and the reads of raw records ─────────
// A row stands for `requests` alike requests: counts are sums of it, costs multiplied by it.

/** Measures of requests (and of requests per error code), named as the rollup columns. */
export const REQUEST_MEASURES = sql`sum(requests) as requests,
  coalesce(sum(requests) filter (where is_error), 0) as errors,
  coalesce(sum(cost::bigint * requests), 0) as cost_sum,
  coalesce(sum(requests) filter (where cost is not null), 0) as charged,
  coalesce(sum(greatest(cost, 1)::bigint * requests) filter (where cost is not null), 0) as points,
  coalesce(sum(requests) filter (where cache_hit), 0) as cache_hits,
  sum(duration_sum_ms) as duration_sum_ms,
  max(coalesce(last_at_ms, at_ms)) as last_seen_ms`;

/** Measures of backend calls (joined as `b` by `backendCallsOf`): each counts with its request's cost. */
export const BACKEND_MEASURES = sql`sum(b.calls) as requests,
  coalesce(sum(b.calls) filter (where b.error_code is not null), 0) as errors,
  coalesce(sum(cost::bigint * b.calls), 0) as cost_sum,
  0 as charged, 0 as points, 0 as cache_hits,
  sum(b.call_duration_sum_ms) as duration_sum_ms,
  max(coalesce(last_at_ms, at_ms)) as last_seen_ms`;

/**
 * The backend entries of the rows in `from` as a lateral join `b` (name, error_code, bucket, calls,
 * call_duration_sum_ms). An entry written before migration 008 is one call with `durationMs`.
 */
export const backendCallsOf = (backends: RawBuilder<unknown>) => sql`cross join lateral (
  select x.name, x."errorCode" as error_code, x.bucket, coalesce(x.calls, 1) as calls,
         coalesce(x."durationSumMs", x."durationMs") as call_duration_sum_ms
  from jsonb_to_recordset(${backends}) as x(name text, "errorCode" text, bucket integer, calls integer,
                                           "durationSumMs" double precision, "durationMs" double precision)) as b`;

/** Each error code of the rows in `from` as a lateral join `e(code)`; a row without errors gives ''. */
export const errorCodesOf = (errorCodes: RawBuilder<unknown>) =>
  sql`cross join lateral jsonb_array_elements_text(case when jsonb_array_length(${errorCodes}) = 0 then '[""]'::jsonb else ${errorCodes} end) as e(code)`;
