import { z } from 'zod';
import { queryIds, type QueryId } from './queries.js';
import { defaultRowIds, rowIds, type RowId } from './rows.js';

const listOf = <T extends string>(ids: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((value) => value.split(',').map((id) => id.trim()).filter((id) => id !== ''))
    .pipe(z.array(z.enum(ids)).min(1, `name at least one of ${ids.join(', ')}`));

const optionsSchema = z.object({
  BENCH_CONNECTIONS: z.coerce.number().int().min(1).max(1_000).default(50),
  BENCH_DURATION: z.coerce.number().positive().max(600).default(10),
  BENCH_WARMUP: z.coerce.number().min(0).max(120).default(3),
  BENCH_RUNS: z.coerce.number().int().min(1).max(20).default(3),
  BENCH_ROWS: listOf(rowIds).default([...defaultRowIds]),
  BENCH_QUERIES: listOf(queryIds).default([...queryIds]),
  BENCH_QUIET_WAIT: z.coerce.number().min(0).max(3_600).default(10),
});

export interface BenchOptions {
  /** Concurrent keep-alive connections the load holds open. @default 50 */
  connections: number;
  /** Length of one measured load, in seconds. @default 10 */
  durationS: number;
  /** Unmeasured load before each measured one, in seconds (JIT, caches, connections). @default 3 */
  warmupS: number;
  /** How many times each row is measured; runs are interleaved (a b d e f, a b d e f, …). @default 3 */
  runs: number;
  /** Which rows, in this order within a run. @default gatehouse-bare … floor (see rows.ts) */
  rows: RowId[];
  /** Which queries each row runs, where it can. @default cross, rest, nested */
  queries: QueryId[];
  /**
   * Before each gateway start, how long to wait for other processes on the machine to go idle,
   * in seconds; after that the run goes ahead and flags the row. @default 10
   */
  quietWaitS: number;
}

/** Reads the BENCH_* knobs once; throws naming each bad one. */
export function readBenchOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  // The old name took gateway ids that no longer exist; silently ignoring it would run other rows.
  if (env.BENCH_GATEWAYS) throw new Error(`BENCH_GATEWAYS is now BENCH_ROWS, with these ids: ${rowIds.join(', ')}`);
  const set = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('BENCH_') && value !== ''));
  const parsed = optionsSchema.safeParse(set);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(set[String(issue.path[0])])})`);
    throw new Error(`Invalid bench settings:\n${issues.join('\n')}`);
  }
  const data = parsed.data;
  return {
    connections: data.BENCH_CONNECTIONS,
    durationS: data.BENCH_DURATION,
    warmupS: data.BENCH_WARMUP,
    runs: data.BENCH_RUNS,
    rows: data.BENCH_ROWS,
    queries: data.BENCH_QUERIES,
    quietWaitS: data.BENCH_QUIET_WAIT,
  };
}
