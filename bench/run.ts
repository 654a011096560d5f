// `npm run bench`: Gatehouse against Hive Gateway (default and router runtime) on the same
// supergraph and subgraphs, one gateway at a time. See bench/README.md.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { findFreePort, spawnManaged, stopAll, waitForHttpOk } from './child-process.js';
import { gatewaySpecs, type GatewaySpec } from './gateways.js';
import { assertGoodResponse, benchQuery, diffJson, runLoad, sendBenchQuery, type QueryResponse } from './load.js';
import { readBenchOptions, type BenchOptions } from './options.js';
import {
  childPids,
  commandLine,
  readAllCpuS,
  readCpuS,
  readMachineBusyCpuS,
  readMemory,
  sampleMemory,
  topCpuUsers,
} from './process-stats.js';
import {
  disturbingOtherCpuPercent,
  findAnomalies,
  formatRatios,
  formatTable,
  gatehouseRatios,
  sumValues,
  type GatewayResult,
} from './report.js';
import { composeSupergraph, startSubgraphsProcess, writeSupergraph, type RunningSubgraphs } from './supergraph.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const resultsPath = join(repoRoot, 'bench/results/latest.json');
/** Startup, checks and shutdown per gateway, on top of warm-up and load; the whole run is bounded by it. */
const perGatewayOverheadS = 90;

const progress = (message: string) => console.error(`[bench] ${message}`);

interface RunContext {
  options: BenchOptions;
  workDir: string;
  supergraphPath: string;
  baseEnv: Record<string, string>;
  subgraphs: RunningSubgraphs;
  signal: AbortSignal;
  /** The first gateway's checked answer; every later one must deep-equal it. */
  reference?: { label: string; response: QueryResponse };
}

const abort = new AbortController();
let workDir: string | undefined;

let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    abort.abort();
    await stopAll();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  })();
  return cleaning;
}

function exitAfterCleanUp(code: number): void {
  void cleanUp().finally(() => process.exit(code));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping gateways and subgraphs`);
    exitAfterCleanUp(130);
  });
}

async function main(): Promise<void> {
  const options = readBenchOptions();
  const budgetS =
    options.gateways.length * (options.quietWaitS + options.warmupS + options.durationS + perGatewayOverheadS) + 60;
  setTimeout(() => {
    progress(`gave up: the run exceeded its ${budgetS} s budget`);
    exitAfterCleanUp(1);
  }, budgetS * 1_000).unref();

  workDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
  const baseEnv = childBaseEnv();

  const subgraphs = await startSubgraphsProcess({ repoRoot, env: baseEnv });
  progress(`subgraphs: ${subgraphs.subgraphs.map(({ name, url }) => `${name} ${url}`).join(', ')}`);
  const supergraphPath = await writeSupergraph(workDir, await composeSupergraph(subgraphs.subgraphs));

  const specs = gatewaySpecs(repoRoot);
  const context: RunContext = {
    options,
    workDir,
    supergraphPath,
    baseEnv,
    subgraphs,
    signal: abort.signal,
  };
  const results: GatewayResult[] = [];
  for (const id of options.gateways) results.push(await benchGateway(specs[id], context));

  const anomalies = findAnomalies(results);
  console.log(
    `\n${options.connections} connections, ${options.durationS} s measured after ${options.warmupS} s warm-up; ` +
      `Node ${process.version}; ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}\n` +
      `query: ${benchQuery}\n`,
  );
  console.log(formatTable(results));
  const ratios = formatRatios(results);
  if (ratios) console.log(`\n${ratios}`);
  if (anomalies.length) console.log(`\nAnomalies:\n${anomalies.map((note) => `  - ${note}`).join('\n')}`);

  await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
  await writeFile(
    resultsPath,
    `${JSON.stringify(
      {
        finishedAt: new Date().toISOString(),
        machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, totalMemMb: Math.round(totalmem() / 2 ** 20) },
        settings: options,
        query: benchQuery,
        subgraphs: subgraphs.subgraphs.map(({ name }) => name),
        gateways: results,
        ratios: gatehouseRatios(results),
        anomalies,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nresults written to ${resultsPath}`);
}

async function benchGateway(spec: GatewaySpec, context: RunContext): Promise<GatewayResult> {
  const { options, signal } = context;
  await waitForQuietMachine(options.quietWaitS, signal);
  const port = await findFreePort();
  const launch = {
    port,
    supergraphPath: context.supergraphPath,
    workDir: await mkdtemp(join(context.workDir, `${spec.id}-`)),
    adminToken: randomBytes(24).toString('base64url'),
  };
  await spec.prepare?.(launch);
  const args = spec.nodeArgs(launch);
  progress(`${spec.label}: starting on port ${port}`);
  const gateway = spawnManaged(spec.label, process.execPath, args, {
    cwd: spec.cwd(launch),
    env: { ...context.baseEnv, ...spec.env(launch) },
  });
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    const startupMs = await waitForHttpOk(`${baseUrl}${spec.readinessPath}`, gateway);
    await spec.afterReady?.(baseUrl, launch);
    const url = `${baseUrl}${spec.graphqlPath}`;

    // A benchmark of wrong answers is worthless: check this gateway's answer, and that it is the
    // same as the first gateway's, before putting any load on it.
    const countsBeforeCheck = await context.subgraphs.requestCounts();
    const response = await sendBenchQuery(url);
    const checkCalls = countDelta(countsBeforeCheck, await context.subgraphs.requestCounts());
    assertGoodResponse(spec.label, response);
    if (context.reference) {
      const differences = diffJson(context.reference.response.body, response.body);
      if (differences.length) {
        throw new Error(
          `${spec.label} and ${context.reference.label} answer the bench query differently ` +
            `(${context.reference.label} first):\n${differences.map((line) => `  ${line}`).join('\n')}`,
        );
      }
    } else {
      context.reference = { label: spec.label, response };
    }
    const idleRssMb = readMemory(gateway.pid)?.rssMb ?? NaN;
    const memory = sampleMemory(gateway.pid);
    progress(`${spec.label}: ready in ${(startupMs / 1_000).toFixed(1)} s; warming up for ${options.warmupS} s`);
    const warmup =
      options.warmupS > 0
        ? await runLoad({ url, connections: options.connections, durationS: options.warmupS, expected: response, signal })
        : undefined;

    progress(`${spec.label}: measuring for ${options.durationS} s with ${options.connections} connections`);
    // Requests still in flight from the warm-up would otherwise be counted against the load.
    const countsBeforeLoad = await settledRequestCounts(context.subgraphs);
    const cpuBefore = {
      gateway: readCpuS(gateway.pid),
      subgraphs: readCpuS(context.subgraphs.process.pid),
      self: process.cpuUsage(),
      machine: readMachineBusyCpuS(),
      processes: readAllCpuS(),
    };
    const startedAt = performance.now();
    const load = await runLoad({ url, connections: options.connections, durationS: options.durationS, expected: response, signal });
    const elapsedS = (performance.now() - startedAt) / 1_000;
    if (gateway.exitCode() !== undefined) {
      throw new Error(`${spec.label} exited (${String(gateway.exitCode())}) during the load:\n${gateway.outputTail()}`);
    }
    const cpuS = {
      gateway: readCpuS(gateway.pid) - cpuBefore.gateway,
      subgraphs: readCpuS(context.subgraphs.process.pid) - cpuBefore.subgraphs,
      loadGenerator: sumCpuUs(process.cpuUsage(cpuBefore.self)) / 1e6,
      machine: readMachineBusyCpuS() - cpuBefore.machine,
    };
    const percentOf = (seconds: number) => (Math.max(0, seconds) / elapsedS) * 100;
    const cpuPercent = {
      gateway: percentOf(cpuS.gateway),
      subgraphs: percentOf(cpuS.subgraphs),
      loadGenerator: percentOf(cpuS.loadGenerator),
      other: percentOf(cpuS.machine - cpuS.gateway - cpuS.subgraphs - cpuS.loadGenerator),
    };
    const ownPids = new Set([gateway.pid, context.subgraphs.process.pid, process.pid, process.ppid]);
    const otherCpuUsers = topCpuUsers(cpuBefore.processes, readAllCpuS(), ownPids);
    const { peakRssMb, maxSampledRssMb } = memory.stop();
    const loadCalls = countDelta(countsBeforeLoad, await settledRequestCounts(context.subgraphs));
    // Checked after the load, when workers would be doing the work the numbers above leave out.
    const workers = childPids(gateway.pid);
    // (tsx starts an esbuild service when it has to transform a file it has not cached; that one is idle.)
    for (const pid of workers) progress(`${spec.label}: note, child process not in its RSS/CPU: ${commandLine(pid)} (pid ${pid})`);
    progress(`${spec.label}: ${load.requestsPerS.mean.toFixed(1)} req/s, p99 ${load.latencyMs.p99} ms, ${load.errors.total} errors`);
    return {
      id: spec.id,
      label: spec.label,
      version: spec.version,
      command: ['node', ...args].join(' '),
      startupMs: Math.round(startupMs),
      load,
      memory: { peakRssMb, maxSampledRssMb, idleRssMb },
      cpuPercent,
      otherCpuUsers,
      subgraphRequests: {
        singleQuery: checkCalls,
        duringLoad: loadCalls,
        // Divided by requests sent: those cut off at the end reached the subgraphs too.
        perRequestDuringLoad: sumValues(loadCalls) / load.sentRequests,
      },
      warmup: { totalRequests: warmup?.totalRequests ?? 0, errors: warmup?.errors.total ?? 0 },
    };
  } finally {
    await gateway.stop();
  }
}

/**
 * The children get a small, fixed environment rather than ours, so a stray HIVE_ACCESS_TOKEN,
 * GATEHOUSE_DATABASE_URL or NODE_OPTIONS in the shell can't change what is measured (or make a
 * gateway report usage to a registry). NODE_ENV=production is what a deployment would run with.
 */
function childBaseEnv(): Record<string, string> {
  const inherited = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'].flatMap((name) => {
    const value = process.env[name];
    return value === undefined ? [] : [[name, value] as const];
  });
  return { ...Object.fromEntries(inherited), NODE_ENV: 'production' };
}

/**
 * Waits, up to `maxWaitS`, until the machine is idle: the bench itself is idle between gateways, so
 * any CPU use now is someone else's, and it would be in the next measurement too.
 */
async function waitForQuietMachine(maxWaitS: number, signal: AbortSignal): Promise<void> {
  const startedAt = performance.now();
  let busyPercent = await measureMachineCpuPercent(1_000);
  if (busyPercent <= disturbingOtherCpuPercent) return;
  progress(`other processes are using ${busyPercent.toFixed(0)}% CPU; waiting up to ${maxWaitS} s for them to finish`);
  while (busyPercent > disturbingOtherCpuPercent && (performance.now() - startedAt) / 1_000 < maxWaitS && !signal.aborted) {
    busyPercent = await measureMachineCpuPercent(1_000);
  }
  if (busyPercent > disturbingOtherCpuPercent) {
    progress(`warning: still ${busyPercent.toFixed(0)}% CPU in use by others; going ahead, expect noisy numbers`);
  }
}

/** CPU used by the whole machine over `windowMs`, in % of one core (200 = both cores of two). */
async function measureMachineCpuPercent(windowMs: number): Promise<number> {
  const before = readMachineBusyCpuS();
  await sleep(windowMs);
  return ((readMachineBusyCpuS() - before) / (windowMs / 1_000)) * 100;
}

/** Subgraph request counts once they stop changing: the gateway has finished what it was sent. */
async function settledRequestCounts(subgraphs: RunningSubgraphs, { intervalMs = 100, timeoutMs = 5_000 } = {}) {
  const startedAt = performance.now();
  let previous = await subgraphs.requestCounts();
  for (;;) {
    await sleep(intervalMs);
    const current = await subgraphs.requestCounts();
    if (sumValues(current) === sumValues(previous) || performance.now() - startedAt > timeoutMs) return current;
    previous = current;
  }
}

function countDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([name, count]) => [name, count - (before[name] ?? 0)]));
}

function sumCpuUs({ user, system }: NodeJS.CpuUsage): number {
  return user + system;
}

main().then(
  () => exitAfterCleanUp(0),
  (error: unknown) => {
    if (!abort.signal.aborted) console.error(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
    exitAfterCleanUp(1);
  },
);
