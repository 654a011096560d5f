import type { AddressInfo } from 'node:net';
import type { GatehouseConfig } from './config/schema.js';
import { createAdminServer } from './admin/server.js';
import { setUpAdminToken } from './admin/auth.js';
import { Redis } from 'ioredis';
import type { ChangeFeed } from './cluster/change-feed.js';
import { subscribeConsumerChanges } from './cluster/consumer-changes.js';
import { openChangeFeed } from './cluster/open-change-feed.js';
import { createRedisConnection, type RedisConnection } from './cluster/redis.js';
import { badUserInput } from './errors.js';
import { ServedGraph } from './graph/generation.js';
import { Registry } from './graph/registry.js';
import { StaticSupergraph } from './graph/static-supergraph.js';
import type { GraphiQLHeaders } from './http/graphiql.js';
import { RegistrySync } from './graph/sync.js';
import { createHttpServer } from './http/server.js';
import type { Logger } from './log.js';
import { BackendUrlError, validateBackendUrl } from './net/backend-url.js';
import { createGuardedAgent } from './net/guarded-agent.js';
import { openBudget } from './store/counters/open-budget.js';
import { createRequestPath } from './request-path/server.js';
import { MemoryStorage } from './request-path/plugins/response-cache/memory-storage.js';
import { CachePolicyBook } from './request-path/plugins/response-cache/policy-book.js';
import { RedisStorage } from './request-path/plugins/response-cache/redis-storage.js';
import { ResponseCache } from './request-path/plugins/response-cache/response-cache.js';
import { openStore } from './store/index.js';
import { createTelemetry } from './telemetry/telemetry.js';
import type { MetricsHooks } from './telemetry/metrics.js';

export interface Gatehouse {
  /** Starts listening; resolves with the base URL, e.g. `http://127.0.0.1:4000`. */
  listen(): Promise<string>;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes the store. */
  close(): Promise<void>;
  /** Shown once when this start generated the admin token. */
  readonly generatedAdminToken: string | undefined;
  readonly served: ServedGraph;
  /** Static mode: look for a new supergraph now instead of at the next poll. */
  pollSupergraph?: () => Promise<void>;
  /** Registry on PostgreSQL: catch up with the store now instead of at the next version poll. */
  syncRegistry?: () => Promise<void>;
  /** Base URL of the metrics port (`GATEHOUSE_METRICS_PORT`) once listening; undefined without one. */
  readonly metricsUrl: string | undefined;
  /**
   * Where other parts of Gatehouse add their own metrics to /metrics (`registerGauge`,
   * `registerCounter`, read at every scrape); undefined when metrics are off.
   */
  readonly metrics: MetricsHooks | undefined;
  /** Tracing on: exports every span ended so far, now (tests wait on it instead of the batch delay). */
  flushTraces(): Promise<void>;
}

export interface GatehouseOptions {
  /** Clock of rate limits and quotas, in ms since the epoch (tests inject one). @default Date.now */
  now?: () => number;
  /**
   * What GraphiQL's headers tab holds when a page is served, per endpoint. Whatever is here is
   * written into a page anyone who reaches the endpoint can read, so it is not a setting: only
   * code that means it passes it (the demo, its own key and token). Asked per page view, so it
   * may name a key issued after the start.
   * @default `{ "<GATEHOUSE_API_KEY_HEADER>": "" }` on /graphql, `{ "Authorization": "Bearer " }` on /admin/graphql
   */
  graphiqlHeaders?: () => { graphql?: GraphiQLHeaders; admin?: GraphiQLHeaders };
  /**
   * How this instance tells the others sharing its store what changed (cache invalidations, cache
   * policies). The caller owns it. @default a `LocalChangeFeed` of this process, closed with it
   */
  changeFeed?: ChangeFeed;
}

/** Wires config → store → graph → servers. Nothing here handles a request itself. */
export async function createGatehouse(
  config: Readonly<GatehouseConfig>,
  log: Logger,
  { now, graphiqlHeaders, changeFeed }: GatehouseOptions = {},
): Promise<Gatehouse> {
  const store = await openStore(config.store, { log: log.child({ component: 'store' }) });
  const telemetry = createTelemetry(config.telemetry, log);
  const dispatcher = createGuardedAgent({ allowPrivate: config.allowPrivateBackends });
  const served = new ServedGraph();
  const token = await setUpAdminToken(config.adminToken, store);
  // Instances sharing a PostgreSQL schema tell each other about writes; an embedded store has one instance.
  const ownFeed = changeFeed === undefined;
  const feed = changeFeed ?? (await openChangeFeed(config.store, log));

  let registry: Registry | undefined;
  let registrySync: RegistrySync | undefined;
  let staticSupergraph: StaticSupergraph | undefined;
  try {
    if (config.supergraph) {
      staticSupergraph = new StaticSupergraph({
        ...config.supergraph,
        served,
        dispatcher,
        defaultTimeoutMs: config.backendTimeoutMs,
        maxResponseBytes: config.maxBackendResponseBytes,
        log,
        tracing: telemetry.backends,
      });
      await staticSupergraph.start();
    } else {
      registry = new Registry({
        store,
        served,
        runtime: {
          dispatcher,
          log,
          defaultTimeoutMs: config.backendTimeoutMs,
          maxResponseBytes: config.maxBackendResponseBytes,
          maxDocumentBytes: config.maxOpenApiDocumentBytes,
          tracing: telemetry.backends,
        },
        log,
        schemaVersionsKept: config.schemaVersionsKept,
        feed,
        observer: telemetry.compositions,
      });
      await registry.start();
      if (config.store.engine === 'postgres') {
        registrySync = new RegistrySync({ registry, served, feed, pollMs: config.registryPollMs, log });
        registrySync.start();
      }
    }
  } catch (error) {
    if (ownFeed) await feed.close();
    await Promise.all([store.close(), telemetry.close()]);
    throw error;
  }
  // A cheap indexed read: does the store answer at all (gatehouse_store_up)?
  telemetry.watch({ served, checkStore: () => store.getSetting('gatehouse.health-check') });

  // With Redis, every instance spends one shared budget; tests that inject a clock decide on it.
  const limitBudget = await openBudget(config.redis, log, { callerClock: now !== undefined });
  const cacheRedis = config.responseCache.enabled ? await openCacheRedis(config, log) : undefined;
  const responseCache = config.responseCache.enabled
    ? new ResponseCache({
        storage: cacheRedis ? new RedisStorage(cacheRedis.client as Redis, config.redis!.keyPrefix) : new MemoryStorage(config.responseCache.maxBytes),
        feed,
        policies: new CachePolicyBook(() => store.listCachePolicies()),
        log,
        now,
      })
    : undefined;
  try {
    await responseCache?.start();
  } catch (error) {
    staticSupergraph?.stop();
    await Promise.all([store.close(), cacheRedis?.close(), limitBudget.close(), ownFeed && feed.close()]);
    throw error;
  }
  const graphql = createRequestPath({
    served,
    log,
    graphiql: { ...config.graphiql, headers: () => graphiqlHeaders?.().graphql },
    documentCache: config.documentCache,
    store,
    auth: config.auth,
    limits: config.limits,
    getTrustedDocument: async (hash) => (await store.getTrustedDocument(hash))?.document,
    budget: limitBudget.budget,
    now,
    consumerChanges: { subscribe: (listener) => subscribeConsumerChanges(feed, listener) },
    responseCache,
    telemetry: telemetry.graphql,
  });
  const admin = createAdminServer({
    token,
    graphiql: config.graphiql.enabled && { headers: () => graphiqlHeaders?.().admin },
    log,
    registry,
    store,
    served,
    changes: feed,
    responseCache,
    telemetry: telemetry.graphql,
    async validateBackendUrl(url, field = 'input.url') {
      try {
        await validateBackendUrl(url, { allowPrivate: config.allowPrivateBackends });
      } catch (error) {
        if (error instanceof BackendUrlError) throw badUserInput(field, error.reason);
        throw error;
      }
    },
  });
  const http = createHttpServer({ graphql, admin, served, log, clientAddress: config.clientAddress, telemetry: telemetry.http });

  let closing: Promise<void> | undefined;
  async function shutDown(): Promise<void> {
    log.info({ inFlight: http.inFlight }, 'shutting down');
    staticSupergraph?.stop();
    await registrySync?.stop();
    const stopped = new Promise<void>((resolve) => http.server.close(() => resolve()));
    http.server.closeIdleConnections();
    const timedOut = new Promise<'timeout'>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs, 'timeout').unref());
    if ((await Promise.race([http.drained(), timedOut])) === 'timeout') {
      log.warn({ inFlight: http.inFlight }, 'shutdown timeout reached; closing remaining connections');
    }
    http.server.closeAllConnections();
    await stopped;
    responseCache?.stop();
    // After the drain: the last requests' spans are exported by telemetry.close().
    await Promise.all([store.close(), dispatcher.close(), limitBudget.close(), cacheRedis?.close(), ownFeed && feed.close(), telemetry.close()]);
    log.info('stopped');
  }

  let metricsUrl: string | undefined;
  return {
    served,
    generatedAdminToken: token.generatedToken,
    pollSupergraph: staticSupergraph && (() => staticSupergraph.poll()),
    syncRegistry: registrySync && (() => registrySync.sync()),
    get metricsUrl() {
      return metricsUrl;
    },
    metrics: telemetry.metrics,
    flushTraces: () => telemetry.flush(),
    async listen() {
      metricsUrl = await telemetry.listen();
      return new Promise((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(config.port, config.host, () => {
          http.server.off('error', reject);
          const { port } = http.server.address() as AddressInfo;
          const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
          const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
          log.info({ url, version: served.current?.version ?? null }, 'gatehouse listening');
          resolve(url);
        });
      });
    },
    close() {
      closing ??= shutDown();
      return closing;
    },
  };
}

/**
 * The response cache's Redis, when one is configured: a connection of its own (cache commands
 * must not queue behind budget spends), with the same bounded timeouts. The cache reads its tag
 * sets with scripts that need a single node, so on a Redis Cluster it stays in memory.
 */
async function openCacheRedis(config: Readonly<GatehouseConfig>, log: Logger): Promise<RedisConnection | undefined> {
  if (!config.redis) return undefined;
  const connection = createRedisConnection(config.redis, log.child({ component: 'response-cache' }));
  if (!(connection.client instanceof Redis)) {
    log.warn('the response cache needs a single Redis node (or Sentinel), not a Cluster: it stays in this process');
    await connection.close();
    return undefined;
  }
  // A cache is never a reason not to start: without Redis yet, answers are misses until it is there.
  if (!(await connection.ready(config.redis.connectTimeoutMs))) log.warn('response cache Redis not reachable at start; answering with misses until it is');
  return connection;
}
