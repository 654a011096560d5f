import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** The machine's Redis, shared by every test (never stopped by one). */
export const sharedRedisUrl = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A `redis-server` of this test alone, on a free port, without persistence: it can be stopped,
 * started again on the same port (empty, as a restarted cache-only Redis is) and paused
 * (SIGSTOP: connected but silent, the hang no timeout-less client survives). Disposing it kills
 * it and removes its directory, whatever state it is in.
 */
export interface OwnRedis extends AsyncDisposable {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits until it accepts connections. */
  start(): Promise<void>;
  /** SIGSTOP: the socket stays open, nothing answers. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  close(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-redis-'));
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    if (child) throw new Error('own redis is already running');
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = server;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server on ${port} not ready within 10 s:\n${output}`)), 10_000);
      server.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server on ${port} exited (${code}) before it was ready:\n${output}`));
      });
    });
  }

  async function stopWith(signal: NodeJS.Signals): Promise<void> {
    const server = child;
    if (!server) return;
    child = undefined;
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill(signal);
    await exited;
  }

  await start();
  const close = async () => {
    await stopWith('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop: () => stopWith('SIGTERM'),
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A key prefix no other test uses, on `url`'s Redis; disposing deletes every key under it. */
export interface RedisKeyspace extends AsyncDisposable {
  prefix: string;
  /** A plain client for looking at the keys (no timeouts of Gatehouse's). */
  client: Redis;
  keys(): Promise<string[]>;
  /** Deletes every key under the prefix and disconnects (what disposing does). */
  close(): Promise<void>;
}

export async function freshKeyspace(url = sharedRedisUrl): Promise<RedisKeyspace> {
  const prefix = `gatehouse-test:${randomBytes(6).toString('hex')}:`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  const keys = async () => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found;
  };
  const close = async () => {
    try {
      const found = await keys();
      if (found.length) await client.del(...found);
    } finally {
      client.disconnect();
    }
  };
  return { prefix, client, keys, close, [Symbol.asyncDispose]: close };
}
