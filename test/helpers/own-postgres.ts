import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL server of the test's own: its cluster in a temp dir, on a free port of 127.0.0.1,
 * trust authentication. Fault tests stop and restart it; the machine's shared PostgreSQL (5432),
 * which other tests use at the same time, is never touched.
 */
export interface OwnPostgres extends AsyncDisposable {
  /** Connection string of its `postgres` database as the `postgres` user. */
  url: string;
  port: number;
  readonly isRunning: boolean;
  /** What the server printed on stderr (its log), for failure messages. */
  readonly log: string;
  /**
   * Stops the server with a signal and waits for it to exit: SIGINT is PostgreSQL's fast shutdown
   * (clients disconnected, committed work kept), SIGQUIT its immediate one (a crash: recovery at
   * the next start). @default 'SIGINT'
   */
  stop(signal?: 'SIGINT' | 'SIGTERM' | 'SIGQUIT'): Promise<void>;
  /** Starts it again on the same port and data dir; resolves once it accepts connections. */
  start(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

/** initdb and postgres refuse to run as root: as root, run them as the `postgres` system user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  const user = serverUser();
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-own-pg-'));
  if (user) await chown(dir, user.uid, user.gid);
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';

  async function waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited while starting:\n${log}`);
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
      // A refused attempt emits 'error' as well as rejecting connect().
      client.on('error', () => {});
      try {
        await client.connect();
        await client.end();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`postgres did not accept connections within ${READY_TIMEOUT_MS} ms:\n${log}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  async function start(): Promise<void> {
    if (child && child.exitCode === null && child.signalCode === null) throw new Error('own PostgreSQL is already running');
    const started = spawn(
      join(bindir, 'postgres'),
      ['-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
      { stdio: ['ignore', 'ignore', 'pipe'], ...user },
    );
    started.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    child = started;
    await waitUntilReady();
  }

  async function stop(signal: 'SIGINT' | 'SIGTERM' | 'SIGQUIT' = 'SIGINT'): Promise<void> {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const stopping = child;
    stopping.kill(signal);
    const timer = setTimeout(() => stopping.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  const initdb = spawn(join(bindir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...user,
  });
  let initdbLog = '';
  initdb.stderr!.on('data', (chunk: Buffer) => (initdbLog += chunk.toString()));
  const initdbCode = await new Promise<number | null>((resolve) => initdb.once('exit', resolve));
  try {
    if (initdbCode !== 0) throw new Error(`initdb failed (${initdbCode}):\n${initdbLog}`);
    await start();
  } catch (error) {
    await stop('SIGQUIT');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const dispose = async () => {
    await stop('SIGINT');
    await rm(dir, { recursive: true, force: true });
  };
  return {
    url,
    port,
    get isRunning() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    get log() {
      return log;
    },
    stop,
    start,
    [Symbol.asyncDispose]: dispose,
  };
}
