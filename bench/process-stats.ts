import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

// Linux reports CPU time in clock ticks; 100 on every common platform, but ask once to be sure.
const clockTicksPerS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const kibPerMib = 1024;

export interface MemoryReading {
  /** Resident set size now. */
  rssMb: number;
  /** The kernel's high-water mark of the resident set since the process started. */
  peakRssMb: number;
}

/** Reads VmRSS and VmHWM from /proc/<pid>/status; undefined once the process is gone. */
export function readMemory(pid: number): MemoryReading | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kib('VmRSS') / kibPerMib, peakRssMb: kib('VmHWM') / kibPerMib };
}

/** User + system CPU seconds the process (all its threads) has used so far. */
export function readCpuS(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (the command name) may contain spaces and parentheses; the fields after its closing
  // parenthesis are fixed: state is field 3, utime field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerS;
}

/** Busy CPU seconds of the whole machine so far, all cores summed (everything but idle and iowait). */
export function readMachineBusyCpuS(): number {
  const cpuLine = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
  // Steal (time the hypervisor gave to other guests) is left out: it is not work done here.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = cpuLine.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq) / clockTicksPerS;
}

/** CPU seconds of every process on the machine, by pid; processes that vanish meanwhile are skipped. */
export function readAllCpuS(): Map<number, number> {
  const cpuByPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      cpuByPid.set(pid, readCpuS(pid));
    } catch {
      // Exited between readdir and read.
    }
  }
  return cpuByPid;
}

/**
 * The processes, other than `excludePids`, that used the most CPU between two `readAllCpuS`
 * snapshots, as "name (pid): seconds"; says who disturbed a measurement.
 */
export function topCpuUsers(before: Map<number, number>, after: Map<number, number>, excludePids: Set<number>, count = 3): string[] {
  return Array.from(after, ([pid, cpuS]) => ({ pid, usedS: cpuS - (before.get(pid) ?? 0) }))
    .filter(({ pid, usedS }) => !excludePids.has(pid) && usedS > 0.05)
    .sort((a, b) => b.usedS - a.usedS)
    .slice(0, count)
    .map(({ pid, usedS }) => `${commandLine(pid)} (pid ${pid}): ${usedS.toFixed(1)} s`);
}

export function commandLine(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    const command = args || readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    // Both ends: the program, and the script or test file it runs.
    return command.length <= 120 ? command : `${command.slice(0, 50)} … ${command.slice(-70)}`;
  } catch {
    return 'exited';
  }
}

/** Pids of the process's direct children (a gateway that forks workers would show up here). */
export function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

export interface MemorySampler {
  /**
   * Stops sampling; returns the largest VmRSS seen, the final VmHWM, and the largest VmRSS of
   * each `windowMs` since sampling began (whether RSS stays flat under a long load).
   */
  stop(): { maxSampledRssMb: number; peakRssMb: number; samples: number; maxRssPerWindowMb: number[] };
}

/** Samples VmRSS every `intervalMs` until stopped. */
export function sampleMemory(pid: number, intervalMs = 200, windowMs = 10_000): MemorySampler {
  let maxSampledRssMb = 0;
  let peakRssMb = 0;
  let samples = 0;
  const maxRssPerWindowMb: number[] = [];
  const startedAt = performance.now();
  const sample = () => {
    const reading = readMemory(pid);
    if (!reading) return;
    samples++;
    maxSampledRssMb = Math.max(maxSampledRssMb, reading.rssMb);
    peakRssMb = reading.peakRssMb;
    const window = Math.floor((performance.now() - startedAt) / windowMs);
    maxRssPerWindowMb[window] = Math.max(maxRssPerWindowMb[window] ?? 0, reading.rssMb);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      // A window without a reading (the process unreadable for 10 s) shows as 0.
      return { maxSampledRssMb, peakRssMb, samples, maxRssPerWindowMb: Array.from(maxRssPerWindowMb, (mb) => mb ?? 0) };
    },
  };
}
