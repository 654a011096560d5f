import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { findFreePort, spawnManaged, waitForHttpOk } from './child-process.js';
import type { RunningFloor } from './floor/start-floor.js';
import type { GatewayLaunch, GatewaySpec } from './gateways.js';
import { assertGoodResponse, diffJson, runLoad, sendQuery, type BenchRequest } from './load.js';
import { waitForQuietMachine } from './machine.js';
import { countSubgraphCalls, measureLoad, type LoadTarget } from './measure.js';
import type { BenchOptions } from './options.js';
import { cpusAllowedOf, type CpuPinning } from './pinning.js';
import { benchQueries, type QueryId } from './queries.js';
import { floorRows, type FloorRowId } from './rows.js';
import type { Sample } from './samples.js';
import type { RunningSubgraphs } from './supergraph.js';

export interface RowContext {
  options: BenchOptions;
  pinning: CpuPinning;
  workDir: string;
  supergraphPath: string;
  baseEnv: Record<string, string>;
  subgraphs: RunningSubgraphs;
  signal: AbortSignal;
  progress(message: string): void;
  /** Per query, the first checked answer's data; every later one must deep-equal it. */
  references: Map<QueryId, { label: string; data: unknown }>;
  /** The floor's process, if a floor row runs (started once, reused by every run). */
  floor(): RunningFloor;
  /** Pids of the bench's own processes (bench, subgraphs, floor), whose CPU is not "other". */
  ownPids(): Set<number>;
}

/** Starts one gateway, measures each query on it in turn, stops it. */
export async function benchGateway(spec: GatewaySpec, queries: QueryId[], run: number, context: RowContext): Promise<Sample[]> {
  const { options, signal, progress } = context;
  await waitForQuietMachine(options.quietWaitS, signal, progress);
  const port = await findFreePort();
  const launch: GatewayLaunch = {
    port,
    supergraphPath: context.supergraphPath,
    workDir: await mkdtemp(join(context.workDir, `${spec.id}-`)),
    adminToken: randomBytes(24).toString('base64url'),
    backends: { subgraphs: context.subgraphs.subgraphs, pricing: context.subgraphs.pricing, otlpSink: context.subgraphs.otlpSink },
  };
  await spec.prepare?.(launch);
  const nodeArgs = spec.nodeArgs(launch);
  const { command, args } = context.pinning.command('gateway', nodeArgs);
  progress(`run ${run}: ${spec.label}: starting on port ${port}`);
  const startedAt = performance.now();
  const gateway = spawnManaged(spec.label, command, args, { cwd: spec.cwd(launch), env: { ...context.baseEnv, ...spec.env(launch) } });
  const samples: Sample[] = [];
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttpOk(`${baseUrl}${spec.readinessPath}`, gateway);
    const session = (await spec.afterReady?.(baseUrl, launch)) ?? { headers: {} };
    const startupMs = performance.now() - startedAt;
    const url = `${baseUrl}${spec.graphqlPath}`;
    progress(`run ${run}: ${spec.label}: ready and set up in ${(startupMs / 1_000).toFixed(1)} s`);

    for (const queryId of queries) {
      const query = benchQueries[queryId];
      const request: BenchRequest = { query: query.text, headers: session.headers };
      // A benchmark of wrong answers is worthless: check this gateway's answer, and that it is the
      // same as the first one's, before putting any load on it.
      const { result: response, calls } = await countSubgraphCalls(context.subgraphs, () => sendQuery(url, request));
      assertGoodResponse(`${spec.label} (${queryId})`, response, query.problemWith);
      checkAgainstReference(context, queryId, spec.label, response.body.data);
      const estimatedCost = spec.reportsCost ? await askCost(url, request) : undefined;

      const target: LoadTarget = {
        label: spec.label,
        pid: gateway.pid,
        load: (durationS) => runLoad({ url, request, connections: options.connections, durationS, expected: response, signal }),
      };
      progress(`run ${run}: ${spec.label}: ${queryId}: ${options.warmupS} s warm-up, ${options.durationS} s measured`);
      const measurement = await measureLoad(target, { ...options, subgraphs: context.subgraphs, ownPids: context.ownPids() });
      if (gateway.exitCode() !== undefined) {
        throw new Error(`${spec.label} exited (${String(gateway.exitCode())}) during the load:\n${gateway.outputTail()}`);
      }
      progress(`run ${run}: ${spec.label}: ${queryId}: ${summaryLine(measurement)}`);
      samples.push({
        row: spec.id,
        query: queryId,
        run,
        label: spec.label,
        version: spec.version,
        command: ['node', ...nodeArgs].join(' '),
        startupMs: Math.round(startupMs),
        cpusAllowed: cpusAllowedOf(gateway.pid),
        singleQuerySubgraphRequests: calls,
        estimatedCost,
        ...measurement,
      });
    }
    return samples;
  } finally {
    await gateway.stop();
  }
}

/** Rows (f) and (f'): the floor process calls the subgraphs directly with the cross query's plan. */
export async function benchFloor(row: FloorRowId, queries: QueryId[], run: number, context: RowContext): Promise<Sample[]> {
  const { options, signal, progress } = context;
  await waitForQuietMachine(options.quietWaitS, signal, progress);
  const startedAt = performance.now();
  const floor = context.floor();
  const subgraphUrls = Object.fromEntries(context.subgraphs.subgraphs.map(({ name, url }) => [name, url]));
  const { label, dedupe } = floorRows[row];
  const samples: Sample[] = [];
  for (const queryId of queries) {
    const { result: data, calls } = await countSubgraphCalls(context.subgraphs, () => floor.check(subgraphUrls));
    const problem = benchQueries[queryId].problemWith(data);
    if (problem) throw new Error(`the floor assembled a wrong answer (${problem}): ${JSON.stringify(data).slice(0, 2_000)}`);
    checkAgainstReference(context, queryId, label, data);
    const target: LoadTarget = {
      label,
      pid: floor.process.pid,
      load: (durationS) => floor.load({ connections: options.connections, durationS, expectedData: data, dedupe }),
    };
    progress(`run ${run}: ${label}: ${queryId}: ${options.warmupS} s warm-up, ${options.durationS} s measured`);
    const measurement = await measureLoad(target, { ...options, subgraphs: context.subgraphs, ownPids: context.ownPids() });
    progress(`run ${run}: ${label}: ${queryId}: ${summaryLine(measurement)}`);
    samples.push({
      row,
      query: queryId,
      run,
      label,
      version: `bench/floor: undici pools, the requests of floor/cross-query-plan.ts${dedupe ? ', in-flight ones shared' : ''}`,
      command: 'node --import tsx bench/floor/floor-process.ts',
      startupMs: Math.round(performance.now() - startedAt),
      cpusAllowed: cpusAllowedOf(floor.process.pid),
      singleQuerySubgraphRequests: calls,
      ...measurement,
    });
  }
  return samples;
}

/** Deep-equal to the first answer to this query (which becomes the reference if there is none). */
function checkAgainstReference(context: RowContext, queryId: QueryId, label: string, data: unknown): void {
  const reference = context.references.get(queryId);
  if (!reference) {
    context.references.set(queryId, { label, data });
    return;
  }
  const differences = diffJson(reference.data, data);
  if (differences.length) {
    throw new Error(
      `${label} and ${reference.label} answer the ${queryId} query differently (${reference.label} first):\n` +
        differences.slice(0, 20).map((line) => `  ${line}`).join('\n'),
    );
  }
}

/** The query's static cost as Gatehouse computes it (its `x-gatehouse-cost` extension). */
async function askCost(url: string, request: BenchRequest): Promise<number | undefined> {
  const response = await sendQuery(url, { ...request, headers: { ...request.headers, 'x-gatehouse-cost': 'true' } });
  return (response.body.extensions as { cost?: { estimated?: number } } | undefined)?.cost?.estimated;
}

function summaryLine({ load, memory }: Pick<Sample, 'load' | 'memory'>): string {
  const rss = memory.maxRssPer10sMb.map((mb) => mb.toFixed(0)).join(' → ');
  return `${load.requestsPerS.mean.toFixed(1)} req/s, p99 ${load.latencyMs.p99} ms, ${load.errors.total} errors; RSS MB per 10 s ${rss}`;
}
