import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMachineBusyCpuS } from './process-stats.js';

/** CPU other processes may use (% of one core) before a measurement is called disturbed. */
export const disturbingOtherCpuPercent = 15;

export interface MachineInfo {
  node: string;
  kernel: string;
  cpus: number;
  cpuModel: string | undefined;
  totalMemMb: number;
  /** 1, 5 and 15 minute load averages when the run started. */
  loadAverageAtStart: number[];
}

export function machineInfo(): MachineInfo {
  return {
    node: process.version,
    kernel: release(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    totalMemMb: Math.round(totalmem() / 2 ** 20),
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

export interface GitInfo {
  commit: string | undefined;
  branch: string | undefined;
  /** Uncommitted changes to tracked files: the numbers are not exactly `commit`'s. */
  dirty: boolean | undefined;
}

export function gitInfo(repoRoot: string): GitInfo {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      // Not a checkout (a tarball, say): the results say unknown rather than failing the run.
      return undefined;
    }
  };
  const status = git('status', '--porcelain', '--untracked-files=no');
  return { commit: git('rev-parse', 'HEAD'), branch: git('rev-parse', '--abbrev-ref', 'HEAD'), dirty: status === undefined ? undefined : status !== '' };
}

/**
 * Waits, up to `maxWaitS`, until the machine is idle: the bench itself is idle between gateways, so
 * any CPU use now is someone else's, and it would be in the next measurement too.
 */
export async function waitForQuietMachine(maxWaitS: number, signal: AbortSignal, progress: (message: string) => void): Promise<void> {
  if (maxWaitS <= 0) return;
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
