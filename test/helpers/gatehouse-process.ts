import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureTestPlan, postGraphQL, TEST_ADMIN_TOKEN, TEST_PLAN, type GraphQLResponse } from './gatehouse.js';

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
  /** POSTs to /graphql. */
  query<TData = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<TData>>;
  /** POSTs to /admin/graphql with the test admin token. */
  admin<TData = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<TData>>;
  /** The schema version `/readyz` reports; undefined while nothing is served. */
  servedVersion(): Promise<number | undefined>;
  /** Resolves once stdout has a line containing `text` (after the first `skip` of them), or fails after `timeoutMs`. */
  waitForOutput(text: string, options?: { skip?: number; timeoutMs?: number }): Promise<void>;
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
  const outputWaiters = new Set<() => void>();
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));

  let startUpMs = 0;
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output += `${line}\n`;
      for (const waiter of outputWaiters) waiter();
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
  const countOf = (text: string) => output.split('\n').filter((line) => line.includes(text)).length;
  return {
    url,
    child,
    get output() {
      return output;
    },
    startUpMs,
    stop,
    query: (query, variables, headers) => postGraphQL(`${url}/graphql`, query, variables, headers),
    admin: (query, variables) => postGraphQL(`${url}/admin/graphql`, query, variables, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }),
    async servedVersion() {
      const body = (await (await fetch(`${url}/readyz`)).json()) as { version?: number };
      return body.version;
    },
    waitForOutput(text, { skip = 0, timeoutMs = 10_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (countOf(text) <= skip) return;
          cleanUp();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanUp();
          reject(new Error(`no output line with "${text}" within ${timeoutMs} ms:\n${output.slice(-4_000)}`));
        }, timeoutMs);
        const cleanUp = () => {
          clearTimeout(timer);
          outputWaiters.delete(check);
        };
        outputWaiters.add(check);
        check();
      });
    },
    [Symbol.asyncDispose]: async () => void (await stop('SIGKILL')),
  };
}
