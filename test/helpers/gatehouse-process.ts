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
  /** Sends a signal and resolves with the exit code (or signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Runs `src/main.ts` as its own process, as operators do, and waits for it to listen. Requests
 * without credentials are served on `TEST_PLAN` (created at start when the test admin token is in
 * use), as with `startGatehouse`; set `GATEHOUSE_ANONYMOUS_PLAN` in `env` to change that.
 */
export async function startGatehouseProcess(env: Record<string, string>): Promise<GatehouseProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
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

  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output += `${line}\n`;
      if (line.includes('"gatehouse listening"')) resolve((JSON.parse(line) as { url: string }).url);
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
    stop,
    [Symbol.asyncDispose]: async () => void (await stop('SIGKILL')),
  };
}
