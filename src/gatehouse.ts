import type { AddressInfo } from 'node:net';
import type { GatehouseConfig } from './config/schema.js';
import { createAdminServer } from './admin/server.js';
import { setUpAdminToken } from './admin/auth.js';
import { badUserInput } from './errors.js';
import { ServedGraph } from './graph/generation.js';
import { Registry } from './graph/registry.js';
import { StaticSupergraph } from './graph/static-supergraph.js';
import type { GraphiQLHeaders } from './http/graphiql.js';
import { createHttpServer } from './http/server.js';
import type { Logger } from './log.js';
import { BackendUrlError, validateBackendUrl } from './net/backend-url.js';
import { createGuardedAgent } from './net/guarded-agent.js';
import { openBudget } from './request-path/limits/open-budget.js';
import { createRequestPath } from './request-path/server.js';
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
}

/** Wires config → store → graph → servers. Nothing here handles a request itself. */
export async function createGatehouse(
  config: Readonly<GatehouseConfig>,
  log: Logger,
  { now, graphiqlHeaders }: GatehouseOptions = {},
): Promise<Gatehouse> {
  const store = await openStore(config.store);
  const telemetry = createTelemetry(config.telemetry, log);
  const dispatcher = createGuardedAgent({ allowPrivate: config.allowPrivateBackends });
  const served = new ServedGraph();
  const token = await setUpAdminToken(config.adminToken, store);

  let registry: Registry | undefined;
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
        observer: telemetry.compositions,
      });
      await registry.start();
    }
  } catch (error) {
    await Promise.all([store.close(), telemetry.close()]);
    throw error;
  }
  // A cheap indexed read: does the store answer at all (gatehouse_store_up)?
  telemetry.watch({ served, checkStore: () => store.getSetting('gatehouse.health-check') });

  // With Redis, every instance spends one shared budget; tests that inject a clock decide on it.
  const limitBudget = await openBudget(config.redis, log, { callerClock: now !== undefined });
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
    telemetry: telemetry.graphql,
  });
  const admin = createAdminServer({
    token,
    graphiql: config.graphiql.enabled && { headers: () => graphiqlHeaders?.().admin },
    log,
    registry,
    store,
    served,
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
    const stopped = new Promise<void>((resolve) => http.server.close(() => resolve()));
    http.server.closeIdleConnections();
    const timedOut = new Promise<'timeout'>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs, 'timeout').unref());
    if ((await Promise.race([http.drained(), timedOut])) === 'timeout') {
      log.warn({ inFlight: http.inFlight }, 'shutdown timeout reached; closing remaining connections');
    }
    http.server.closeAllConnections();
    await stopped;
    // After the drain: the last requests' spans are exported by telemetry.close().
    await Promise.all([store.close(), dispatcher.close(), limitBudget.close(), telemetry.close()]);
    log.info('stopped');
  }

  let metricsUrl: string | undefined;
  return {
    served,
    generatedAdminToken: token.generatedToken,
    pollSupergraph: staticSupergraph && (() => staticSupergraph.poll()),
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
