import { z } from 'zod';
import { backendName, backendUrl, forwardHeaderNames, headerRecord, maxResponseBytes, timeoutMs } from './fields.js';

/** What every backend has, whatever its kind. */
export const backendBase = z.object({
  /** Unique; also the subgraph name in the supergraph, and the only name clients see in errors. */
  name: backendName,
  url: backendUrl,
  /** Sent with every request to the backend (may hold credentials: never logged, never returned). */
  headers: headerRecord,
  /** Client request headers sent on to the backend (lower-case names); every other one stays at the gateway. */
  forwardHeaders: forwardHeaderNames,
  /** Per-backend timeout; `null` means the gateway default. */
  timeoutMs: timeoutMs.nullable(),
  /** Largest answer read from this backend, in bytes; `null` means the gateway default. */
  maxResponseBytes: maxResponseBytes.nullable(),
});
export type BackendBase = z.infer<typeof backendBase>;

/**
 * A backend as the store keeps it, column by column. Each kind reads its own backend out of
 * these (and checks it with its zod schema) and writes it back into them.
 */
export interface BackendColumns {
  name: string;
  kind: string;
  url: string;
  headers: unknown;
  /** jsonb: the forwarded header names. */
  forwardHeaders: unknown;
  sdl: string;
  sdlSource: string;
  timeoutMs: number | null;
  maxResponseBytes: number | null;
  openapiDocument: string | null;
  /** The kind's own settings (jsonb). */
  options: unknown;
}

/** The fields every kind reads from the same columns, unchecked (the kind's schema checks them). */
export function baseFromColumns(columns: BackendColumns): Record<string, unknown> {
  const { name, kind, url, headers, forwardHeaders, timeoutMs, maxResponseBytes } = columns;
  return { name, kind, url, headers, forwardHeaders, timeoutMs, maxResponseBytes };
}

/** The kind-specific admin input fields, as the admin API hands them over (null and absent alike). */
export type KindFields = Readonly<Record<string, unknown>>;
