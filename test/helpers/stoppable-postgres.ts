import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL server of its own, in a temporary directory, that a test may stop and start again
 * (never the shared one on 5432). Debian's server binaries (`pg_config --bindir`); run as the
 * `postgres` user when the tests run as root, since PostgreSQL refuses root.
 */
export interface StoppablePostgres extends AsyncDisposable {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, the same across restarts. */
  url: string;
  /** Fast shutdown (SIGINT): connections are cut, the data stays. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its directory. */
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

async function waitUntilAccepting(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`postgres exited with ${server.exitCode} before accepting connections`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within ${timeoutMs} ms`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      // After a refused connection there is nothing to close, and end() may say so.
      await client.end().catch(() => undefined);
    }
  }
}

export async function startStoppablePostgres(): Promise<StoppablePostgres> {
  const bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  const user = postgresUser();
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-pg-'));
  if (user) await chown(dir, user.uid, user.gid);
  const dataDir = join(dir, 'data');
  execFileSync(join(bindir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'], {
    stdio: 'ignore',
    ...user,
  });
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let server: ChildProcess | undefined;

  async function start(): Promise<void> {
    // fsync off: a test server, thrown away afterwards. The socket directory is its own.
    server = spawn(join(bindir, 'postgres'), ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-F', '-c', 'max_connections=50'], {
      stdio: 'ignore',
      ...user,
    });
    await waitUntilAccepting(url, server, 30_000);
  }

  async function stop(): Promise<void> {
    const running = server;
    server = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGINT');
    await exited;
  }

  await start();
  const close = async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  };
  return { url, start, stop, close, [Symbol.asyncDispose]: close };
}
