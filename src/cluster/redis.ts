import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/schema.js';
import type { Logger } from '../log.js';

/** A single node (optionally found through Sentinel) or a Redis Cluster: both run scripts and commands alike. */
export type RedisClient = Redis | Cluster;

export interface RedisConnection {
  client: RedisClient;
  /** Resolves true once the client is ready, false if it is not within `timeoutMs` (it keeps trying). */
  ready(timeoutMs: number): Promise<boolean>;
  /** Quits politely, then drops the connection; reconnecting stops. */
  close(): Promise<void>;
}

// Reconnect forever, backing off to 2 s: an instance must find its Redis again without a restart.
const reconnectDelayMs = (attempt: number) => Math.min(attempt * 100, 2_000);

/**
 * The one place Redis connections are made (the rate-limit budget today, a response cache later).
 * Everything a request waits for is bounded: a command fails after `commandTimeoutMs`, nothing is
 * queued while disconnected (`enableOfflineQueue: false`) and nothing is retried after a drop
 * (`maxRetriesPerRequest: 0`), so callers see a failure at once and apply their own policy, while
 * ioredis reconnects in the background. Connection changes are logged once each, never per error.
 */
export function createRedisConnection(config: RedisConfig, log: Logger): RedisConnection {
  const redisLog = log.child({ component: 'redis' });
  const { cluster, ...passThrough } = config.options as { cluster?: Array<{ host: string; port: number }> } & Record<string, unknown>;
  const bounded: RedisOptions = {
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: reconnectDelayMs,
    // After a failover the old primary answers READONLY: reconnect to find the new one.
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
  };

  let client: RedisClient;
  if (cluster) {
    const { redisOptions, ...clusterOptions } = passThrough as ClusterOptions;
    client = new Cluster([config.url, ...cluster], {
      ...clusterOptions,
      enableOfflineQueue: false,
      clusterRetryStrategy: reconnectDelayMs,
      // Credentials and TLS of the URL apply to every node the cluster reveals, not only the seed.
      redisOptions: { ...credentialsOf(config.url), ...redisOptions, ...bounded },
    });
  } else {
    client = new Redis(config.url, { ...(passThrough as RedisOptions), ...bounded });
  }

  let wasReady = false;
  let lost = false;
  client.on('ready', () => {
    if (lost || !wasReady) redisLog.info('redis connected');
    wasReady = true;
    lost = false;
  });
  client.on('close', () => {
    if (wasReady && !lost) redisLog.warn('redis connection lost; reconnecting');
    lost = true;
  });
  // Every failed reconnect emits one; the transitions above are what operators need.
  client.on('error', (error: Error) => redisLog.debug({ err: error }, 'redis error'));

  return {
    client,
    ready(timeoutMs) {
      if (client.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          client.off('ready', onReady);
          resolve(false);
        }, timeoutMs);
        const onReady = () => {
          clearTimeout(timer);
          resolve(true);
        };
        client.once('ready', onReady);
      });
    },
    async close() {
      if (client.status === 'ready') {
        await client.quit().catch((error: unknown) => redisLog.debug({ err: error }, 'redis quit failed; disconnecting'));
      }
      client.disconnect();
    },
  };
}

function credentialsOf(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

// Replies that mean "not now" (loading, failing over, a replica, a cluster re-sharding), not "wrong command".
const TRANSIENT_REPLY = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY|NOREPLICAS|MISCONF)\b/;

/**
 * Whether a command failed because Redis can't serve right now (unreachable, timed out, offline,
 * failing over) rather than because of the command itself (a script error is a bug, not an outage).
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ReplyError') return TRANSIENT_REPLY.test(error.message);
  return true;
}
