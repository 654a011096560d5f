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
