import type { GatewayId } from './gateways.js';
import type { LoadResult } from './load.js';

/** CPU other processes may use (% of one core) before a measurement is called disturbed. */
export const disturbingOtherCpuPercent = 15;

export interface GatewayResult {
  id: GatewayId;
  label: string;
  version: string;
  command: string;
  startupMs: number;
  load: LoadResult;
  memory: {
    /** VmHWM after the load: the most the process was ever resident, startup included. */
    peakRssMb: number;
    /** Largest VmRSS seen by polling every 200 ms during warm-up and load. */
    maxSampledRssMb: number;
    /** VmRSS after startup and the correctness check, before any load. */
    idleRssMb: number;
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
  /** Requests the subgraphs answered, by subgraph name. */
  subgraphRequests: {
    /** For the one correctness-check query, sent alone: what the query plan costs. */
    singleQuery: Record<string, number>;
    /** During the measured load; fewer than singleQuery × requests means in-flight deduplication. */
    duringLoad: Record<string, number>;
    perRequestDuringLoad: number;
  };
  warmup: { totalRequests: number; errors: number };
}

export interface Ratio {
  versus: GatewayId;
  /** Gatehouse ÷ other; above 1 means Gatehouse served more. */
  requestsPerS: number;
  /** Gatehouse ÷ other; below 1 means Gatehouse's tail is shorter. */
  p99: number;
}

export function sumValues(record: Record<string, number>): number {
  return Object.values(record).reduce((sum, value) => sum + value, 0);
}

export function gatehouseRatios(results: GatewayResult[]): Ratio[] {
  const gatehouse = results.find((result) => result.id === 'gatehouse');
  if (!gatehouse) return [];
  return results
    .filter((result) => result.id !== 'gatehouse')
    .map((other) => ({
      versus: other.id,
      requestsPerS: gatehouse.load.requestsPerS.mean / other.load.requestsPerS.mean,
      p99: gatehouse.load.latencyMs.p99 / other.load.latencyMs.p99,
    }));
}

export function formatTable(results: GatewayResult[]): string {
  const header = ['gateway', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'peak RSS MB', 'subgraph req/req', 'CPU % gw/sub/load/other'];
  const rows = results.map((result) => [
    result.label,
    result.load.requestsPerS.mean.toFixed(1),
    result.load.latencyMs.p50.toFixed(0),
    result.load.latencyMs.p99.toFixed(0),
    String(result.load.errors.total),
    result.memory.peakRssMb.toFixed(1),
    `${result.subgraphRequests.perRequestDuringLoad.toFixed(2)} (alone ${sumValues(result.subgraphRequests.singleQuery)})`,
    [result.cpuPercent.gateway, result.cpuPercent.subgraphs, result.cpuPercent.loadGenerator, result.cpuPercent.other]
      .map((percent) => percent.toFixed(0))
      .join('/'),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  // The name column reads left-aligned, the numbers right-aligned.
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export function formatRatios(results: GatewayResult[]): string {
  const labelOf = (id: GatewayId) => results.find((result) => result.id === id)?.label ?? id;
  return gatehouseRatios(results)
    .map(
      (ratio) =>
        `Gatehouse / ${labelOf(ratio.versus)}: req/s ${ratio.requestsPerS.toFixed(2)}x (higher is better), ` +
        `p99 ${ratio.p99.toFixed(2)}x (lower is better)`,
    )
    .join('\n');
}

/** Everything worth a second look: errors, formatting-only differences, starved or busy processes. */
export function findAnomalies(results: GatewayResult[]): string[] {
  const notes: string[] = [];
  for (const { label, load, warmup, cpuPercent, otherCpuUsers, subgraphRequests } of results) {
    const { errors } = load;
    if (errors.total > 0) {
      notes.push(
        `${label}: ${errors.total} errors (connection ${errors.connection}, timeouts ${errors.timeouts}, non-2xx ${errors.non2xx}, ` +
          `GraphQL errors ${errors.errorBodies}, wrong data ${errors.wrongData}); first: ${load.firstBadBody ?? 'no body'}`,
      );
    }
    if (warmup.errors > 0) notes.push(`${label}: ${warmup.errors} errors during warm-up`);
    if (load.textVariants > 0) {
      notes.push(`${label}: ${load.textVariants} responses had the right data but different formatting than the checked one`);
    }
    // With 2 cores, the subgraphs and autocannon need most of the second core; if they are near a
    // full core, they, not the gateway, may be what limits req/s.
    const alone = sumValues(subgraphRequests.singleQuery);
    if (subgraphRequests.perRequestDuringLoad < alone * 0.9) {
      notes.push(
        `${label}: ${subgraphRequests.perRequestDuringLoad.toFixed(2)} subgraph requests per request under load against ${alone} ` +
          `for the query alone: it shares in-flight subgraph requests between concurrent identical queries`,
      );
    }
    if (cpuPercent.other >= disturbingOtherCpuPercent) {
      notes.push(
        `${label}: other processes used ${cpuPercent.other.toFixed(0)}% CPU during the load; its numbers are disturbed` +
          (otherCpuUsers.length ? ` (busiest: ${otherCpuUsers.join('; ')})` : ''),
      );
    }
    if (cpuPercent.subgraphs >= 90) notes.push(`${label}: subgraphs used ${cpuPercent.subgraphs.toFixed(0)}% of a core; they may be the bottleneck`);
  }
  return notes;
}
