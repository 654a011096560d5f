import { Redis } from 'ioredis';
import type { Logger } from '../log.js';

export interface RedisCacheClientOptions {
  /** `redis://[user:password@]host:port[/db]` (`GATEHOUSE_REDIS_URL`). */
  url: string;
  log: Logger;
  /** Longest a cache command may take before it counts as a miss, in ms. @default 250 */
  commandTimeoutMs?: number;
  /** How long the start waits for a first connection, in ms; past it Gatehouse serves with misses. @default 2000 */
  connectTimeoutMs?: number;
}

// A down Redis reports every reconnection attempt: one warning per interval.
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * The response cache's Redis connection. It fails fast instead of queueing (a cache that is down
 * is a miss, not a wait): no offline queue, no retries of a command, a short command timeout; and
 * it reconnects by itself, forever, backing off to 2 s. Resolves once connected, or after
 * `connectTimeoutMs` with a warning, still reconnecting: a cache is never a reason not to start.
 */
export async function connectRedisCacheClient({ url, log, commandTimeoutMs = 250, connectTimeoutMs = 2_000 }: RedisCacheClientOptions): Promise<Redis> {
  const redisLog = log.child({ component: 'redis-cache' });
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: connectTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  let lastErrorAt = -Infinity;
  let lost = false;
  client.on('error', (error: Error) => {
    const at = Date.now();
    if (at - lastErrorAt < ERROR_LOG_INTERVAL_MS) return;
    lastErrorAt = at;
    redisLog.warn({ reason: error.message }, 'response cache Redis unreachable; answering with misses');
  });
  client.on('close', () => (lost = true));
  client.on('ready', () => {
    if (lost) redisLog.info('response cache Redis reconnected');
    lost = false;
  });
  const ready = new Promise<boolean>((resolve) => {
    client.once('ready', () => resolve(true));
    setTimeout(() => resolve(false), connectTimeoutMs).unref();
  });
  if (!(await ready)) redisLog.warn({ timeoutMs: connectTimeoutMs }, 'response cache Redis not reachable at start; answering with misses until it is');
  return client;
}

/** Closes the connection: politely when it is up, at once when it is not (or QUIT gets no answer). */
export async function closeRedisCacheClient(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // Timed out (commandTimeout): nothing is waiting for an answer, so drop the connection.
    }
  }
  client.disconnect();
}
