import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadResult } from './load.js';
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
import type { RunningSubgraphs } from './supergraph.js';

/** What sits between the load and the subgraphs: a gateway, or the floor's direct caller. */
export interface LoadTarget {
  label: string;
  /** The process whose CPU and memory are reported in the `gw` columns. */
  pid: number;
  /** One closed-loop load of `durationS` seconds against it, compared with its checked answer. */
  load(durationS: number): Promise<LoadResult>;
}

export interface LoadMeasurement {
  load: LoadResult;
  memory: {
    /**
     * VmHWM after the load. Reset to the current RSS before the warm-up when the kernel allows it
     * (`clear_refs`), so it is the peak of this query's warm-up and load, not of startup or of the
     * query before it on the same process; otherwise the peak since the process started.
     */
    peakRssMb: number;
    /** Whether VmHWM could be reset before the warm-up (see `peakRssMb`). */
    peakSinceWarmup: boolean;
    /** Largest VmRSS seen by polling every 200 ms during warm-up and load. */
    maxSampledRssMb: number;
    /** VmRSS before the warm-up. */
    idleRssMb: number;
    /** Largest VmRSS of each 10 s from the warm-up's start: flat under a long load, or growing. */
    maxRssPer10sMb: number[];
  };
  /** Share of one core used during the measured load (100 = one core fully busy). */
  cpuPercent: {
    gateway: number;
    subgraphs: number;
    /** The bench process: autocannon and the samplers. */
    loadGenerator: number;
    /** Everything else on the machine; anything much above 0 means the numbers are disturbed. */
    other: number;
  };
  /** The busiest processes outside the bench during the load, with their CPU seconds. */
  otherCpuUsers: string[];
  /** Subgraph requests during the measured load, by subgraph name. */
  subgraphRequestsDuringLoad: Record<string, number>;
  /** Divided by requests sent: those cut off at the end reached the subgraphs too. */
  subgraphRequestsPerRequest: number;
  warmup: { totalRequests: number; errors: number };
  /** Child processes of the target found after the load, whose CPU and RSS are not counted. */
  uncountedChildren: string[];
}

export interface MeasureOptions {
  warmupS: number;
  durationS: number;
  subgraphs: RunningSubgraphs;
  /** Pids of the bench's own processes, left out of "other" CPU users. */
  ownPids: Set<number>;
}

/** Warms the target up, then measures one load with CPU, memory and subgraph-request accounting. */
export async function measureLoad(target: LoadTarget, { warmupS, durationS, subgraphs, ownPids }: MeasureOptions): Promise<LoadMeasurement> {
  const peakSinceWarmup = resetPeakRss(target.pid);
  const idleRssMb = readMemory(target.pid)?.rssMb ?? NaN;
  const memory = sampleMemory(target.pid);
  const warmup = warmupS > 0 ? await target.load(warmupS) : undefined;

  // Requests still in flight from the warm-up would otherwise be counted against the load.
  const countsBefore = await settledRequestCounts(subgraphs);
  const cpuBefore = {
    target: readCpuS(target.pid),
    subgraphs: readCpuS(subgraphs.process.pid),
    self: process.cpuUsage(),
    machine: readMachineBusyCpuS(),
    processes: readAllCpuS(),
  };
  const startedAt = performance.now();
  const load = await target.load(durationS);
  const elapsedS = (performance.now() - startedAt) / 1_000;
  const cpuS = {
    target: readCpuS(target.pid) - cpuBefore.target,
    subgraphs: readCpuS(subgraphs.process.pid) - cpuBefore.subgraphs,
    loadGenerator: sumCpuUs(process.cpuUsage(cpuBefore.self)) / 1e6,
    machine: readMachineBusyCpuS() - cpuBefore.machine,
  };
  const percentOf = (seconds: number) => (Math.max(0, seconds) / elapsedS) * 100;
  const otherCpuUsers = topCpuUsers(cpuBefore.processes, readAllCpuS(), new Set([...ownPids, target.pid]));
  const { peakRssMb, maxSampledRssMb, maxRssPerWindowMb } = memory.stop();
  const duringLoad = countDelta(countsBefore, await settledRequestCounts(subgraphs));
  return {
    load,
    memory: { peakRssMb, peakSinceWarmup, maxSampledRssMb, idleRssMb, maxRssPer10sMb: maxRssPerWindowMb },
    cpuPercent: {
      gateway: percentOf(cpuS.target),
      subgraphs: percentOf(cpuS.subgraphs),
      loadGenerator: percentOf(cpuS.loadGenerator),
      other: percentOf(cpuS.machine - cpuS.target - cpuS.subgraphs - cpuS.loadGenerator),
    },
    otherCpuUsers,
    subgraphRequestsDuringLoad: duringLoad,
    subgraphRequestsPerRequest: sumValues(duringLoad) / Math.max(1, load.sentRequests),
    warmup: { totalRequests: warmup?.totalRequests ?? 0, errors: warmup?.errors.total ?? 0 },
    // Checked after the load, when workers would be doing the work the numbers above leave out.
    // (tsx starts an esbuild service when it has to transform a file it has not cached; that one is idle.)
    uncountedChildren: childPids(target.pid).map((pid) => `${commandLine(pid)} (pid ${pid})`),
  };
}

/** Runs `send` (one request) and returns the subgraph requests it caused: what its plan costs. */
export async function countSubgraphCalls<T>(subgraphs: RunningSubgraphs, send: () => Promise<T>): Promise<{ result: T; calls: Record<string, number> }> {
  const before = await settledRequestCounts(subgraphs);
  const result = await send();
  return { result, calls: countDelta(before, await settledRequestCounts(subgraphs)) };
}

/** Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0, own processes only). */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Subgraph request counts once they stop changing: the target has finished what it was sent.
 * autocannon does not wait for the answers still in flight when it stops, and a gateway starved of
 * CPU can pause longer than one interval between two of their subgraph requests, hence several
 * unchanged reads in a row.
 */
async function settledRequestCounts(subgraphs: RunningSubgraphs, { intervalMs = 100, stableReads = 3, timeoutMs = 5_000 } = {}) {
  const startedAt = performance.now();
  let previous = await subgraphs.requestCounts();
  let unchanged = 0;
  for (;;) {
    await sleep(intervalMs);
    const current = await subgraphs.requestCounts();
    unchanged = sumValues(current) === sumValues(previous) ? unchanged + 1 : 0;
    if (unchanged >= stableReads || performance.now() - startedAt > timeoutMs) return current;
    previous = current;
  }
}

function countDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([name, count]) => [name, count - (before[name] ?? 0)]));
}

export function sumValues(record: Record<string, number>): number {
  return Object.values(record).reduce((sum, value) => sum + value, 0);
}

function sumCpuUs({ user, system }: NodeJS.CpuUsage): number {
  return user + system;
}
