import type { AddressInfo } from 'node:net';
import type { GatehouseConfig } from './config/schema.js';
import { createAdminServer } from './admin/server.js';
import { setUpAdminToken } from './admin/auth.js';
import { Redis } from 'ioredis';
import { AuditLog } from './audit/audit-log.js';
import type { ChangeFeed } from './cluster/change-feed.js';
import { subscribeConsumerChanges } from './cluster/consumer-changes.js';
import { openChangeFeed } from './cluster/open-change-feed.js';
import { createRedisConnection, type RedisConnection } from './cluster/redis.js';
import { createDashboard } from './dashboard/dashboard.js';
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
import { readRateLimitBudget } from './request-path/plugins/use-rate-limit.js';
import { createRequestPath } from './request-path/server.js';
import { MemoryStorage } from './request-path/plugins/response-cache/memory-storage.js';
import { CachePolicyBook } from './request-path/plugins/response-cache/policy-book.js';
import { RedisStorage } from './request-path/plugins/response-cache/redis-storage.js';
import { ResponseCache } from './request-path/plugins/response-cache/response-cache.js';
import { openStore } from './store/index.js';
import type { Store } from './store/types.js';
import { createTelemetry } from './telemetry/telemetry.js';
import type { MetricsHooks } from './telemetry/metrics.js';
import { createUsage, schemaCheckUsage, type Usage, type UsageRecorderStatus } from './usage/index.js';

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
  /** Usage recording: tests flush its buffer and run its rollup job with a time of their own. */
  readonly usage: Usage;
  readonly audit: AuditLog;
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
   * An admin token the dashboard page (/admin) is served with, so it opens without asking for
   * one. Like `graphiqlHeaders`, it is written into a page anyone who reaches /admin can read:
   * not a setting, only for code that means it (the demo, with its README token).
   * @default none: the page asks for the token and keeps it in the browser
   */
  dashboardAdminToken?: () => string | undefined;
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
  { now, graphiqlHeaders, dashboardAdminToken, changeFeed }: GatehouseOptions = {},
): Promise<Gatehouse> {
  const store = await openStore(config.store, { log: log.child({ component: 'store' }) });
  // Everything opened from here on is closed in reverse: at shutdown once requests have drained,
  // or at once if the start fails halfway.
  const opened = new OpenedResources(log);
  opened.add(() => store.close());
  try {
    return await startOnStore(store, opened, config, log, { now, graphiqlHeaders, dashboardAdminToken, changeFeed });
  } catch (error) {
    await opened.closeAll();
    throw error;
  }
}

async function startOnStore(
  store: Store,
  opened: OpenedResources,
  config: Readonly<GatehouseConfig>,
  log: Logger,
  { now, graphiqlHeaders, dashboardAdminToken, changeFeed }: GatehouseOptions,
): Promise<Gatehouse> {
  const telemetry = createTelemetry(config.telemetry, log);
  // Closed after the drain: the last requests' spans are exported by telemetry.close().
  opened.add(() => telemetry.close());
  const dispatcher = createGuardedAgent({ allowPrivate: config.allowPrivateBackends });
  opened.add(() => dispatcher.close());
  const served = new ServedGraph();
  const token = await setUpAdminToken(config.adminToken, store);
  // Instances sharing a PostgreSQL schema tell each other about writes; an embedded store has one instance.
  const feed = changeFeed ?? (await openChangeFeed(config.store, log));
  if (changeFeed === undefined) opened.add(() => feed.close());
  const clock = now ?? Date.now;
  const usage = createUsage({ store: store.usage, config: config.usage, log, now: clock });
  // The last records go to the store while it is still open.
  opened.add(() => usage.close());
  if (config.usage.enabled) exposeUsageMetrics(telemetry.metrics, () => usage.recorder.status());
  const audit = new AuditLog({ store: store.audit, log, retentionDays: config.audit.retentionDays, now: clock });
  audit.start();
  opened.add(() => audit.stop());

  let registry: Registry | undefined;
  let registrySync: RegistrySync | undefined;
  let staticSupergraph: StaticSupergraph | undefined;
  if (config.supergraph) {
    const supergraph = new StaticSupergraph({
      ...config.supergraph,
      served,
      dispatcher,
      defaultTimeoutMs: config.backendTimeoutMs,
      maxResponseBytes: config.maxBackendResponseBytes,
      log,
      tracing: telemetry.backends,
    });
    staticSupergraph = supergraph;
    opened.add(() => supergraph.stop());
    await supergraph.start();
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
      // A check says "unused" only where this instance records usage.
      changeUsage: config.usage.enabled ? schemaCheckUsage(usage.analytics, config.usage.schemaCheckWindowDays, clock) : undefined,
    });
    await registry.start();
    if (config.store.engine === 'postgres') {
      const sync = new RegistrySync({ registry, served, feed, pollMs: config.registryPollMs, log });
      registrySync = sync;
      opened.add(() => sync.stop());
      sync.start();
    }
  }
  // A cheap indexed read: does the store answer at all (gatehouse_store_up)?
  telemetry.watch({ served, checkStore: () => store.getSetting('gatehouse.health-check') });

  // With Redis, every instance spends one shared budget; tests that inject a clock decide on it.
  const limitBudget = await openBudget(config.redis, log, { callerClock: now !== undefined });
  opened.add(() => limitBudget.close());
  const cacheRedis = config.responseCache.enabled ? await openCacheRedis(config, log) : undefined;
  if (cacheRedis) opened.add(() => cacheRedis.close());
  const responseCache = config.responseCache.enabled
    ? new ResponseCache({
        storage: cacheRedis ? new RedisStorage(cacheRedis.client as Redis, config.redis!.keyPrefix) : new MemoryStorage(config.responseCache.maxBytes),
        feed,
        policies: new CachePolicyBook(() => store.listCachePolicies()),
        log,
        now,
      })
    : undefined;
  if (responseCache) {
    opened.add(() => responseCache.stop());
    await responseCache.start();
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
    usage: config.usage.enabled
      ? { record: (draft) => usage.recorder.append(draft), backendCallsOf: (context) => usage.backendCalls.callsOf(context), now: clock }
      : undefined,
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
    audit,
    usage: {
      enabled: config.usage.enabled,
      analytics: usage.analytics,
      recorderStatus: () => usage.recorder.status(),
      windowDays: config.usage.schemaCheckWindowDays,
      async rateLimitBudget(consumerId, plan) {
        const budget = await readRateLimitBudget(limitBudget.budget, consumerId, plan, clock());
        return budget && { limit: budget.limit, windowSeconds: budget.windowSeconds, remaining: budget.decision.remaining, resetAt: budget.decision.resetAt };
      },
      now: clock,
    },
    async validateBackendUrl(url, field = 'input.url') {
      try {
        await validateBackendUrl(url, { allowPrivate: config.allowPrivateBackends });
      } catch (error) {
        if (error instanceof BackendUrlError) throw badUserInput(field, error.reason);
        throw error;
      }
    },
  });
  const dashboard = config.dashboard.enabled ? createDashboard({ adminToken: dashboardAdminToken }) : undefined;
  const http = createHttpServer({ graphql, admin, dashboard, served, log, clientAddress: config.clientAddress, telemetry: telemetry.http });

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
    await opened.closeAll();
    log.info('stopped');
  }

  let metricsUrl: string | undefined;
  return {
    served,
    usage,
    audit,
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

/** The usage buffer on /metrics: a store falling behind shows as depth, then as drops. */
function exposeUsageMetrics(metrics: MetricsHooks | undefined, status: () => UsageRecorderStatus): void {
  if (!metrics) return;
  metrics.registerGauge({ name: 'gatehouse_usage_buffer_records', help: 'Usage records waiting to be written to the store', read: () => status().buffered });
  metrics.registerCounter({ name: 'gatehouse_usage_records_dropped_total', help: 'Usage records dropped because the buffer was full', read: () => status().dropped });
  metrics.registerCounter({ name: 'gatehouse_usage_records_written_total', help: 'Usage records written to the store', read: () => status().written });
  metrics.registerCounter({ name: 'gatehouse_usage_write_failures_total', help: 'Batched usage writes that failed (retried)', read: () => status().failedWrites });
}

/**
 * Closing steps of what a start opened, run last-opened first (the response cache before the Redis
 * it uses, the usage buffer's last write before the store). A step that fails is logged and the
 * others still run: a shutdown never stops halfway.
 */
class OpenedResources {
  readonly #steps: Array<() => unknown> = [];
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  add(close: () => unknown): void {
    this.#steps.push(close);
  }

  async closeAll(): Promise<void> {
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await step();
      } catch (error) {
        this.#log.error({ err: error }, 'closing failed');
      }
    }
  }
}
