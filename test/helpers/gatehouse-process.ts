import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureTestPlan, TEST_ADMIN_TOKEN, TEST_PLAN } from './gatehouse.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface GatehouseProcess extends AsyncDisposable {
  url: string;
  child: ChildProcess;
  /** Everything the process printed on stdout so far. */
  readonly output: string;
  /** From spawning the process to its "gatehouse listening" line, in ms. */
  startUpMs: number;
  /** Sends a signal and resolves with the exit code (or signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface ProcessOptions {
  /** Working directory. @default the repository */
  cwd?: string;
  /** Arguments of `node`. @default ['--import', 'tsx', 'src/main.ts'] (the sources through tsx) */
  args?: string[];
}

/**
 * Runs `src/main.ts` (or, with `args`, e.g. the compiled `dist/src/main.js`) as its own process,
 * as operators do, and waits for it to listen. Requests
 * without credentials are served on `TEST_PLAN` (created at start when the test admin token is in
 * use), as with `startGatehouse`; set `GATEHOUSE_ANONYMOUS_PLAN` in `env` to change that.
 */
export async function startGatehouseProcess(
  env: Record<string, string>,
  { cwd = ROOT, args = ['--import', 'tsx', 'src/main.ts'] }: ProcessOptions = {},
): Promise<GatehouseProcess> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    cwd,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      GATEHOUSE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      GATEHOUSE_ALLOW_PRIVATE_BACKENDS: 'true',
      GATEHOUSE_LOG_LEVEL: 'info',
      GATEHOUSE_ANONYMOUS_PLAN: TEST_PLAN,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));

  let startUpMs = 0;
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output += `${line}\n`;
      if (line.includes('"gatehouse listening"')) {
        startUpMs = performance.now() - spawnedAt;
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    void exited.then((code) => reject(new Error(`gatehouse exited (${code}) before listening:\n${stderr}${output}`)));
    setTimeout(() => reject(new Error(`gatehouse did not start within 30 s:\n${stderr}${output}`)), 30_000).unref();
  });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  if ((env.GATEHOUSE_ADMIN_TOKEN ?? TEST_ADMIN_TOKEN) === TEST_ADMIN_TOKEN) {
    try {
      await ensureTestPlan(url);
    } catch (error) {
      await stop('SIGKILL');
      throw error;
    }
  }
  return {
    url,
    child,
    get output() {
      return output;
    },
    startUpMs,
    stop,
    [Symbol.asyncDispose]: async () => void (await stop('SIGKILL')),
  };
}
