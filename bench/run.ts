// `npm run bench`: Gatehouse (bare, and with an API key, cost and rate limit), Hive Gateway (default
// and router runtime) and a floor without any gateway, on the same subgraphs and queries, one
// process at a time, each row measured BENCH_RUNS times, interleaved. See bench/README.md.
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchFloor, benchGateway, type RowContext } from './bench-row.js';
import { stopAll } from './child-process.js';
import { startFloorProcess, type RunningFloor } from './floor/start-floor.js';
import { gatehouseEntry } from './gatehouse-entry.js';
import { KEYED_PLAN } from './gatehouse-setup.js';
import { gatewaySpecs } from './gateways.js';
import { gitInfo, machineInfo } from './machine.js';
import { readBenchOptions } from './options.js';
import { cpusAllowedOf, setUpCpuPinning } from './pinning.js';
import { benchQueries } from './queries.js';
import { dedupeNotes, findAnomalies, formatQueryTable, formatRatios, ratiosOf, summarise } from './report.js';
import { writeResults } from './results.js';
import { floorRows, isFloorRow, rowLetters, type RowId } from './rows.js';
import type { Sample } from './samples.js';
import { runBudgetS, scheduleRows } from './schedule.js';
import { composeSupergraph, startSubgraphsProcess, writeSupergraph } from './supergraph.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = join(repoRoot, 'bench/results');

const progress = (message: string) => console.error(`[bench] ${message}`);

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

// Last resort when the process ends without cleanUp (an uncaught error): child-process.ts has
// SIGKILLed the children by then; only synchronous work can run here.
process.on('exit', () => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function exitAfterCleanUp(code: number): void {
  void cleanUp().finally(() => process.exit(code));
}

// `on`, not `once`: Ctrl-C reaches the bench twice, from the terminal and relayed by tsx's parent
// process, and a second SIGINT without a listener would end the process before clean-up is done.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (cleaning) return;
    progress(`${signal}: stopping gateways and subgraphs`);
    exitAfterCleanUp(130);
  });
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const options = readBenchOptions();
  const specs = gatewaySpecs(repoRoot);
  const schedule = scheduleRows(options, specs);
  if (!schedule.rows.length) throw new Error('nothing to run: every chosen row is unavailable for every chosen query');
  const budgetS = runBudgetS(options, schedule);
  setTimeout(() => {
    progress(`gave up: the run exceeded its ${budgetS} s budget`);
    exitAfterCleanUp(1);
  }, budgetS * 1_000).unref();

  const pinning = setUpCpuPinning();
  progress(`pinning: ${pinning.note}`);
  workDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
  const baseEnv = childBaseEnv();
  const subgraphs = await startSubgraphsProcess({ repoRoot, env: baseEnv, pinning });
  progress(`subgraphs: ${[...subgraphs.subgraphs, subgraphs.pricing].map(({ name, url }) => `${name} ${url}`).join(', ')}`);
  const supergraphPath = await writeSupergraph(workDir, await composeSupergraph(subgraphs.subgraphs));

  let floor: RunningFloor | undefined;
  const context: RowContext = {
    options,
    pinning,
    workDir,
    supergraphPath,
    baseEnv,
    subgraphs,
    signal: abort.signal,
    progress,
    references: new Map(),
    floor: () => (floor ??= startFloorProcess({ repoRoot, env: baseEnv, pinning })),
    ownPids: () => new Set([process.pid, process.ppid, subgraphs.process.pid, ...(floor ? [floor.process.pid] : [])]),
  };

  // Interleaved: every row once, then every row again, so slow drift (thermal, other work) reaches
  // all rows alike instead of whichever ran last.
  const samples: Sample[] = [];
  for (let run = 1; run <= options.runs; run++) {
    for (const { row, queries } of schedule.rows) {
      samples.push(...(isFloorRow(row) ? await benchFloor(row, queries, run, context) : await benchGateway(specs[row], queries, run, context)));
    }
  }

  const labels = Object.fromEntries([
    ...Object.values(specs).map((spec) => [spec.id, spec.label]),
    ...Object.entries(floorRows).map(([id, { label }]) => [id, label]),
  ]) as Record<RowId, string>;
  const summaries = summarise(samples);
  const ratios = ratiosOf(summaries);
  const anomalies = [...new Set(findAnomalies(samples))];
  const machine = machineInfo();
  const git = gitInfo(repoRoot);

  console.log(
    `\n${options.runs} run(s) per row, interleaved; ${options.connections} connections; ${options.durationS} s measured after ` +
      `${options.warmupS} s warm-up; Node ${machine.node}; ${machine.cpus} x ${machine.cpuModel ?? 'unknown CPU'}\n` +
      `pinning: ${pinning.note}\n` +
      `commit ${git.commit?.slice(0, 12) ?? 'unknown'}${git.dirty ? ' (with uncommitted changes)' : ''}; ` +
      `Gatehouse runs ${gatehouseEntry(repoRoot).description}, registry mode, embedded store\n` +
      `(b) plan: ${KEYED_PLAN.rateLimitPoints.toLocaleString('en')} points per ${KEYED_PLAN.rateLimitWindowSeconds} s, maxCost ` +
      `${KEYED_PLAN.maxCost.toLocaleString('en')}; * = a run with other CPU use ≥ 15% (disturbed)`,
  );
  for (const queryId of options.queries) {
    const query = benchQueries[queryId];
    const querySummaries = summaries.filter((summary) => summary.query === queryId);
    const querySkipped = schedule.skipped.filter((skip) => skip.query === queryId);
    if (!querySummaries.length && !querySkipped.length) continue;
    const costs = samples.filter((sample) => sample.query === queryId && sample.estimatedCost !== undefined);
    console.log(`\n== ${queryId}: ${query.label}\n${query.text}${costs[0] ? `\nGatehouse static cost: ${costs[0].estimatedCost}` : ''}\n`);
    console.log(formatQueryTable(options.rows, querySummaries, querySkipped, labels));
    const queryRatios = ratios.filter((ratio) => ratio.query === queryId);
    if (queryRatios.length) console.log(`\nratios of medians:\n${formatRatios(queryRatios, labels)}`);
  }
  const dedupe = dedupeNotes(summaries);
  if (dedupe.length) console.log(`\nIn-flight subgraph deduplication:\n${dedupe.map((note) => `  - ${note}`).join('\n')}`);
  if (anomalies.length) console.log(`\nAnomalies:\n${anomalies.map((note) => `  - ${note}`).join('\n')}`);

  const path = await writeResults(resultsDir, startedAt, {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    git,
    machine,
    pinning: {
      pinned: pinning.pinned,
      gatewayCpu: pinning.gatewayCpu,
      loadCpu: pinning.loadCpu,
      note: pinning.note,
      // As the kernel reports them; each sample has its target's.
      cpusAllowed: { bench: cpusAllowedOf(process.pid), subgraphs: cpusAllowedOf(subgraphs.process.pid) },
    },
    settings: options,
    keyedPlan: KEYED_PLAN,
    queries: Object.fromEntries(options.queries.map((id) => [id, { label: benchQueries[id].label, text: benchQueries[id].text }])),
    rows: Object.fromEntries(options.rows.map((id) => [id, { letter: rowLetters[id], label: labels[id], version: isFloorRow(id) ? undefined : specs[id].version }])),
    subgraphs: [...subgraphs.subgraphs.map(({ name }) => name), subgraphs.pricing.name],
    summaries,
    ratios,
    skipped: schedule.skipped,
    anomalies,
    samples,
  });
  console.log(`\nresults written to ${path} (and latest.json)`);
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

main().then(
  () => exitAfterCleanUp(0),
  (error: unknown) => {
    if (!abort.signal.aborted) console.error(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
    exitAfterCleanUp(1);
  },
);
