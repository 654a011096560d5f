import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Lines of a child's stderr/stdout kept for error messages. */
const outputTailLines = 40;

export interface ManagedProcess {
  name: string;
  /** The pid of the spawned executable itself (we always spawn `node` directly, never a wrapper). */
  pid: number;
  child: ChildProcess;
  /** The last lines the process wrote, for error messages. */
  outputTail(): string;
  /** Set once the process has exited. */
  exitCode(): number | NodeJS.Signals | undefined;
  /** SIGTERM to its process group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

// Everything started and not yet stopped, so every exit path (error, SIGINT, plain end) can clean up.
const running = new Set<ManagedProcess>();

// Last resort when the bench process exits without having stopped a child (uncaught error,
// process.exit elsewhere): synchronous SIGKILL of each group, since async work can't run here.
process.on('exit', () => {
  for (const managed of running) signalGroup(managed.pid, 'SIGKILL');
});

export interface SpawnOptions {
  env: Record<string, string>;
  cwd: string;
  /** Open an IPC channel (the child can `process.send`). @default false */
  ipc?: boolean;
}

/**
 * Spawns `command` in its own process group (`detached`), so stopping it also stops anything it
 * started (tsx's esbuild service, cluster workers), and a Ctrl-C in the terminal reaches only
 * the bench, which then shuts the children down in order.
 */
export function spawnManaged(name: string, command: string, args: string[], { env, cwd, ipc = false }: SpawnOptions): ManagedProcess {
  const child = spawn(command, args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${command}`);
  const pid = child.pid;
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== ''));
    tail.splice(0, Math.max(0, tail.length - outputTailLines));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let exit: number | NodeJS.Signals | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = code ?? signal ?? undefined;
      running.delete(managed);
      resolve();
    });
  });

  const managed: ManagedProcess = {
    name,
    pid,
    child,
    outputTail: () => tail.join('\n'),
    exitCode: () => exit,
    async stop(graceMs = 5_000) {
      if (exit !== undefined) return;
      signalGroup(pid, 'SIGTERM');
      const timer = sleep(graceMs, 'timeout' as const);
      if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') {
        signalGroup(pid, 'SIGKILL');
        await exited;
      }
      // The group may still hold a grandchild that ignored SIGTERM.
      signalGroup(pid, 'SIGKILL');
    },
  };
  running.add(managed);
  return managed;
}

/** Stops every child still running, in parallel; bounded by each child's grace period. */
export async function stopAll(): Promise<void> {
  await Promise.all(Array.from(running, (managed) => managed.stop()));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the whole group is gone already, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** A port nobody listens on right now. Another process could take it before the child binds; the
 * child then fails to start and the bench says so, which is acceptable for a benchmark. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

export interface WaitForHttpOptions {
  /** @default 60_000 */
  timeoutMs?: number;
  /** @default 100 */
  intervalMs?: number;
}

/** Polls `url` with GET until it answers 200; fails early if `process` exits meanwhile. */
export async function waitForHttpOk(
  url: string,
  managed: ManagedProcess,
  { timeoutMs = 60_000, intervalMs = 100 }: WaitForHttpOptions = {},
): Promise<number> {
  const startedAt = performance.now();
  let lastProblem = 'no answer yet';
  while (performance.now() - startedAt < timeoutMs) {
    if (managed.exitCode() !== undefined) {
      throw new Error(`${managed.name} exited (${String(managed.exitCode())}) before ${url} was ready:\n${managed.outputTail()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - startedAt;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      lastProblem = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    }
    await sleep(intervalMs);
  }
  throw new Error(`${managed.name}: ${url} not ready after ${timeoutMs} ms (${lastProblem}):\n${managed.outputTail()}`);
}
