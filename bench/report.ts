import { disturbingOtherCpuPercent } from './machine.js';
import { sumValues } from './measure.js';
import type { QueryId } from './queries.js';
import { ratioPairs, rowLetters, type RowId } from './rows.js';
import type { Sample, Skipped } from './samples.js';

export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Every run of one row on one query, summarised. */
export interface RowSummary {
  row: RowId;
  query: QueryId;
  label: string;
  runs: number;
  requestsPerS: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  /** Summed over the runs. */
  errors: number;
  /** The highest of the runs. */
  peakRssMb: number;
  subgraphRequestsPerRequest: Spread;
  subgraphRequestsAlone: number;
  cpuPercent: { gateway: number; subgraphs: number; loadGenerator: number; other: number };
  /** Runs during which other processes used ≥ disturbingOtherCpuPercent of a core. */
  disturbedRuns: number[];
}

export interface RatioSummary {
  query: QueryId;
  numerator: RowId;
  denominator: RowId;
  /** Of the medians; above 1: the numerator served more. */
  requestsPerS: number;
  /** Of the medians; below 1: the numerator's tail is shorter. */
  p99: number;
}

export function spreadOf(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export function summarise(samples: Sample[]): RowSummary[] {
  const groups = new Map<string, Sample[]>();
  for (const sample of samples) {
    const key = `${sample.query}\0${sample.row}`;
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  return Array.from(groups.values(), (group) => {
    const first = group[0]!;
    const median = (pick: (sample: Sample) => number) => spreadOf(group.map(pick)).median;
    return {
      row: first.row,
      query: first.query,
      label: first.label,
      runs: group.length,
      requestsPerS: spreadOf(group.map((sample) => sample.load.requestsPerS.mean)),
      p50Ms: spreadOf(group.map((sample) => sample.load.latencyMs.p50)),
      p99Ms: spreadOf(group.map((sample) => sample.load.latencyMs.p99)),
      errors: group.reduce((sum, sample) => sum + sample.load.errors.total, 0),
      peakRssMb: Math.max(...group.map((sample) => sample.memory.peakRssMb)),
      subgraphRequestsPerRequest: spreadOf(group.map((sample) => sample.subgraphRequestsPerRequest)),
      subgraphRequestsAlone: sumValues(first.singleQuerySubgraphRequests),
      cpuPercent: {
        gateway: median((sample) => sample.cpuPercent.gateway),
        subgraphs: median((sample) => sample.cpuPercent.subgraphs),
        loadGenerator: median((sample) => sample.cpuPercent.loadGenerator),
        other: median((sample) => sample.cpuPercent.other),
      },
      disturbedRuns: group.filter((sample) => sample.cpuPercent.other >= disturbingOtherCpuPercent).map((sample) => sample.run),
    };
  });
}

export function ratiosOf(summaries: RowSummary[]): RatioSummary[] {
  return [...new Set(summaries.map((summary) => summary.query))].flatMap((query) =>
    ratioPairs.flatMap(([numerator, denominator]) => {
      const top = summaries.find((summary) => summary.query === query && summary.row === numerator);
      const bottom = summaries.find((summary) => summary.query === query && summary.row === denominator);
      if (!top || !bottom) return [];
      return [
        {
          query,
          numerator,
          denominator,
          requestsPerS: top.requestsPerS.median / bottom.requestsPerS.median,
          p99: top.p99Ms.median / bottom.p99Ms.median,
        },
      ];
    }),
  );
}

const name = (row: RowId, label: string) => `(${rowLetters[row]}) ${label}`;
const withRange = ({ median, min, max }: Spread, digits: number) =>
  min === max ? median.toFixed(digits) : `${median.toFixed(digits)} (${min.toFixed(digits)}–${max.toFixed(digits)})`;

/** One query's table, rows in run order; a skipped row prints its reason across the number columns. */
export function formatQueryTable(rowOrder: RowId[], summaries: RowSummary[], skipped: Skipped[], labels: Record<RowId, string>): string {
  const header = ['row', 'req/s med (min–max)', 'p50 ms', 'p99 ms med (min–max)', 'errors', 'peak RSS MB', 'subgraph req/req', 'CPU % gw/sub/load/other'];
  // A measured row has every cell; a skipped one its name and the reason.
  type Line = { cells: string[] } | { first: string; reason: string };
  const lines = rowOrder.flatMap((row): Line[] => {
    const summary = summaries.find((candidate) => candidate.row === row);
    if (summary) {
      const cpu = summary.cpuPercent;
      const cells = [
        name(row, summary.label) + (summary.disturbedRuns.length ? ' *' : ''),
        withRange(summary.requestsPerS, 1),
        summary.p50Ms.median.toFixed(0),
        withRange(summary.p99Ms, 0),
        String(summary.errors),
        summary.peakRssMb.toFixed(0),
        `${summary.subgraphRequestsPerRequest.median.toFixed(2)} (alone ${summary.subgraphRequestsAlone})`,
        [cpu.gateway, cpu.subgraphs, cpu.loadGenerator, cpu.other].map((percent) => percent.toFixed(0)).join('/'),
      ];
      return [{ cells }];
    }
    const skip = skipped.find((candidate) => candidate.row === row);
    return skip ? [{ first: name(row, labels[row]), reason: skip.reason }] : [];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => ('cells' in line ? line.cells[column]!.length : column === 0 ? line.first.length : 0))),
  );
  // The name column reads left-aligned, the numbers right-aligned.
  const format = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [
    format(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...lines.map((line) => ('cells' in line ? format(line.cells) : `${line.first.padEnd(widths[0]!)}  ${line.reason}`)),
  ].join('\n');
}

export function formatRatios(ratios: RatioSummary[], labels: Record<RowId, string>): string {
  return ratios
    .map(
      ({ numerator, denominator, requestsPerS, p99 }) =>
        `  (${rowLetters[numerator]})/(${rowLetters[denominator]}) ${labels[numerator]} ÷ ${labels[denominator]}: ` +
        `req/s ${requestsPerS.toFixed(2)}x (higher is better), p99 ${p99.toFixed(2)}x (lower is better)`,
    )
    .join('\n');
}

/** Everything worth a second look: errors, formatting-only differences, starved or busy processes. */
export function findAnomalies(samples: Sample[]): string[] {
  const notes: string[] = [];
  for (const sample of samples) {
    const { load, warmup, cpuPercent, otherCpuUsers } = sample;
    const where = `${name(sample.row, sample.label)}, ${sample.query}, run ${sample.run}`;
    const { errors } = load;
    if (errors.total > 0) {
      notes.push(
        `${where}: ${errors.total} errors (connection ${errors.connection}, timeouts ${errors.timeouts}, non-2xx ${errors.non2xx}, ` +
          `GraphQL errors ${errors.errorBodies}, wrong data ${errors.wrongData}); first: ${load.firstBadBody ?? 'no body'}`,
      );
    }
    if (warmup.errors > 0) notes.push(`${where}: ${warmup.errors} errors during warm-up`);
    if (load.textVariants > 0) notes.push(`${where}: ${load.textVariants} responses had the right data but other formatting than the checked one`);
    if (cpuPercent.other >= disturbingOtherCpuPercent) {
      notes.push(
        `${where}: other processes used ${cpuPercent.other.toFixed(0)}% CPU during the load; disturbed` +
          (otherCpuUsers.length ? ` (busiest: ${otherCpuUsers.join('; ')})` : ''),
      );
    }
    // With 2 cores, the subgraphs and the load generator share the second one; near a full core,
    // they, not the gateway, may be what limits req/s.
    if (cpuPercent.subgraphs >= 90) notes.push(`${where}: subgraphs used ${cpuPercent.subgraphs.toFixed(0)}% of a core; they may be the bottleneck`);
    if (cpuPercent.loadGenerator >= 90) notes.push(`${where}: the load generator used ${cpuPercent.loadGenerator.toFixed(0)}% of a core; it may be the bottleneck`);
    // Rows (a) and (b) must execute every request; (c) must be answered from its cache.
    const perRequest = sample.subgraphRequestsPerRequest;
    if ((sample.row === 'gatehouse-bare' || sample.row === 'gatehouse-keyed' || sample.row === 'gatehouse-keyed-no-usage') && perRequest < 0.05) {
      notes.push(`${where}: only ${perRequest.toFixed(3)} subgraph requests per request: something answers without executing`);
    }
    if (sample.row === 'gatehouse-keyed-cached' && perRequest > 0.1) {
      notes.push(`${where}: ${perRequest.toFixed(2)} subgraph requests per request: the response cache is not hitting`);
    }
    // Once per row and program (the caller de-duplicates): tsx's idle esbuild service shows up in every sample.
    for (const child of sample.uncountedChildren) {
      notes.push(`${name(sample.row, sample.label)}: child process not in its RSS/CPU: ${child.replace(/ \(pid \d+\)$/, '')}`);
    }
    if (!sample.memory.peakSinceWarmup) notes.push(`${where}: VmHWM could not be reset; peak RSS includes startup`);
  }
  return notes;
}

/** Samples where the gateway shared in-flight subgraph requests between identical queries. */
export function dedupeNotes(summaries: RowSummary[]): string[] {
  return summaries
    .filter((summary) => summary.subgraphRequestsPerRequest.median < summary.subgraphRequestsAlone * 0.9)
    .map(
      (summary) =>
        `${name(summary.row, summary.label)}, ${summary.query}: ${summary.subgraphRequestsPerRequest.median.toFixed(2)} subgraph ` +
        `requests per request under load against ${summary.subgraphRequestsAlone} alone (in-flight subgraph requests shared)`,
    );
}
