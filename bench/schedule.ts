import type { GatewaySpec } from './gateways.js';
import type { BenchOptions } from './options.js';
import { benchQueries, type QueryId } from './queries.js';
import { isFloorRow, type GatewayRowId, type RowId } from './rows.js';
import type { Skipped } from './samples.js';

/** One process start per run: a gateway row (or the floor) and the queries it is measured on. */
export interface ScheduledRow {
  row: RowId;
  queries: QueryId[];
}

export interface Schedule {
  rows: ScheduledRow[];
  skipped: Skipped[];
}

/** The floor's subgraph requests are written by hand for this query only (floor/cross-query-plan.ts). */
const floorQueries: readonly QueryId[] = ['cross'];

/** Which row runs which query, and a reason for every pair that doesn't run. */
export function scheduleRows(options: BenchOptions, specs: Record<GatewayRowId, GatewaySpec>): Schedule {
  const rows: ScheduledRow[] = [];
  const skipped: Skipped[] = [];
  for (const row of options.rows) {
    const queries: QueryId[] = [];
    for (const query of options.queries) {
      const reason = skipReason(row, query, specs);
      if (reason) skipped.push({ row, query, reason });
      else queries.push(query);
    }
    if (queries.length) rows.push({ row, queries });
  }
  return { rows, skipped };
}

function skipReason(row: RowId, query: QueryId, specs: Record<GatewayRowId, GatewaySpec>): string | undefined {
  if (isFloorRow(row)) {
    return floorQueries.includes(query) ? undefined : 'no floor for this query: its subgraph requests are written for the cross query only';
  }
  const spec = specs[row];
  if (spec.unavailable) return spec.unavailable;
  if (benchQueries[query].needsRestLink && !spec.servesRestLinks) return 'not run: Hive Gateway cannot serve REST (OpenAPI) links; Gatehouse rows only';
  return undefined;
}

/** Seconds the whole run may take before it gives up: every wait has its own timeout too. */
export function runBudgetS(options: BenchOptions, schedule: Schedule): number {
  // Per process start: startup, registrations, checks and shutdown; per measurement: settling.
  const perStartS = 90;
  const perMeasurementS = 20;
  const perRunS = schedule.rows.reduce(
    (sum, { queries }) => sum + options.quietWaitS + perStartS + queries.length * (options.warmupS + options.durationS + perMeasurementS),
    0,
  );
  return options.runs * perRunS + 60;
}
