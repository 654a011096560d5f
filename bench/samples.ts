import type { LoadMeasurement } from './measure.js';
import type { QueryId } from './queries.js';
import type { RowId } from './rows.js';

/** One measured load: one row, one query, one run. */
export interface Sample extends LoadMeasurement {
  row: RowId;
  query: QueryId;
  /** 1-based; runs are interleaved, so run 2 of every row comes after run 1 of every row. */
  run: number;
  label: string;
  version: string;
  command: string;
  /** From spawn to ready and set up (registrations included), for the process that served this sample. */
  startupMs: number;
  /** The cores the kernel let the target run on (pinning check). */
  cpusAllowed: string | undefined;
  /** Subgraph requests of the correctness check, sent alone: what the query plan costs. */
  singleQuerySubgraphRequests: Record<string, number>;
  /** Gatehouse's static cost of the query, asked once with `x-gatehouse-cost` (rows with a plan). */
  estimatedCost?: number;
}

/** A row that does not run a query, and why (the table prints the reason in its place). */
export interface Skipped {
  row: RowId;
  query: QueryId;
  reason: string;
}
