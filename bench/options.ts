import { z } from 'zod';
import { defaultGatewayIds, gatewayIds, type GatewayId } from './gateways.js';

const gatewayList = z
  .string()
  .transform((value) => value.split(',').map((id) => id.trim()).filter((id) => id !== ''))
  .pipe(z.array(z.enum(gatewayIds)).min(1, `name at least one of ${gatewayIds.join(', ')}`));

const optionsSchema = z.object({
  BENCH_CONNECTIONS: z.coerce.number().int().min(1).max(1_000).default(50),
  BENCH_DURATION: z.coerce.number().positive().max(600).default(15),
  BENCH_WARMUP: z.coerce.number().min(0).max(120).default(3),
  BENCH_GATEWAYS: gatewayList.default(defaultGatewayIds),
  BENCH_QUIET_WAIT: z.coerce.number().min(0).max(3_600).default(20),
});

export interface BenchOptions {
  /** Concurrent keep-alive connections autocannon holds open. @default 50 */
  connections: number;
  /** Length of the measured load, in seconds. @default 15 */
  durationS: number;
  /** Unmeasured load before it, in seconds (JIT, caches, subgraph connections). @default 3 */
  warmupS: number;
  /**
   * Before each gateway, how long to wait for other processes on the machine to go idle, in
   * seconds; after that the run goes ahead and flags the row. @default 20
   */
  quietWaitS: number;
  /** Which gateways to run, in this order. @default gatehouse, hive, hive-router-runtime */
  gateways: GatewayId[];
}

/** Reads the BENCH_* knobs once; throws naming each bad one. */
export function readBenchOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const set = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('BENCH_') && value !== ''));
  const parsed = optionsSchema.safeParse(set);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(set[String(issue.path[0])])})`);
    throw new Error(`Invalid bench settings:\n${issues.join('\n')}`);
  }
  return {
    connections: parsed.data.BENCH_CONNECTIONS,
    durationS: parsed.data.BENCH_DURATION,
    warmupS: parsed.data.BENCH_WARMUP,
    gateways: parsed.data.BENCH_GATEWAYS,
    quietWaitS: parsed.data.BENCH_QUIET_WAIT,
  };
}
