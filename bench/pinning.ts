import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Where each process of the bench runs: the gateway alone on one core, everything else on another. */
export type CpuRole = 'gateway' | 'load';

export interface CpuPinning {
  /** False when taskset is missing or fewer than two cores are allowed; nothing is pinned then. */
  pinned: boolean;
  /** Core of the gateway (or of the floor's caller, which stands in for it). */
  gatewayCpu: number | undefined;
  /** Core of the bench process (load generator) and of the subgraphs process. */
  loadCpu: number | undefined;
  /** One line for the output: what was pinned where, or why nothing was. */
  note: string;
  /** `command` and `args` that start `node args…` on the role's core (plain `node` when not pinned). */
  command(role: CpuRole, nodeArgs: string[]): { command: string; args: string[] };
}

/**
 * Decides the pinning once and pins the bench process itself. taskset execs the program in place,
 * so the pid of a pinned child is still the pid of its `node`, and its CPU and RSS are read as before.
 */
export function setUpCpuPinning(): CpuPinning {
  const allowed = allowedCpus();
  const unpinned = (note: string): CpuPinning => ({
    pinned: false,
    gatewayCpu: undefined,
    loadCpu: undefined,
    note,
    command: (_role, nodeArgs) => ({ command: process.execPath, args: nodeArgs }),
  });
  if (!hasTaskset()) return unpinned('taskset not found (util-linux): processes are not pinned, gateway and load share all cores');
  if (allowed.length < 2) {
    return unpinned(`only ${allowed.length} core allowed (${allowed.join(',') || '?'}): processes are not pinned`);
  }
  const [gatewayCpu, loadCpu] = allowed as [number, number, ...number[]];
  // -a: every thread (libuv's pool, V8's helpers) already started, not only the main one.
  const self = spawnSync('taskset', ['-a', '-p', '-c', String(loadCpu), String(process.pid)], { encoding: 'utf8' });
  if (self.status !== 0) return unpinned(`taskset could not pin the bench process (${self.stderr.trim()}): processes are not pinned`);
  const cpuOf = (role: CpuRole) => (role === 'gateway' ? gatewayCpu : loadCpu);
  return {
    pinned: true,
    gatewayCpu,
    loadCpu,
    note:
      `gateway on core ${gatewayCpu} (taskset -c ${gatewayCpu}); bench/load generator and subgraphs on core ${loadCpu}` +
      (allowed.length > 2 ? ` (${allowed.length - 2} more cores allowed, unused)` : ''),
    command: (role, nodeArgs) => ({ command: 'taskset', args: ['-c', String(cpuOf(role)), process.execPath, ...nodeArgs] }),
  };
}

/** The cores this process may run on (`Cpus_allowed_list`, e.g. `0-1` or `0,2-3`). */
function allowedCpus(): number[] {
  const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]?.trim() ?? '';
  return list.split(',').flatMap((range) => {
    const [from, to = from] = range.split('-').map(Number);
    if (from === undefined || to === undefined || !Number.isInteger(from) || !Number.isInteger(to)) return [];
    return Array.from({ length: to - from + 1 }, (_, index) => from + index);
  });
}

function hasTaskset(): boolean {
  const probe = spawnSync('taskset', ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0;
}

/** The cores a running process may use, as the kernel reports them; says whether pinning took. */
export function cpusAllowedOf(pid: number): string | undefined {
  try {
    return /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}
