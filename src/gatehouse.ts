import type { AddressInfo } from 'node:net';
import type { GatehouseConfig } from './config/schema.js';
import { createAdminServer } from './admin/server.js';
import { setUpAdminToken } from './admin/auth.js';
import { subscribeConsumerChanges } from './cluster/consumer-changes.js';
import { openChangeFeed } from './cluster/open-change-feed.js';
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
import { openStore } from './store/index.js';

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
  const store = await openStore(config.store, { log: log.child({ component: 'store' }) });
  const dispatcher = createGuardedAgent({ allowPrivate: config.allowPrivateBackends });
  const served = new ServedGraph();
  const token = await setUpAdminToken(config.adminToken, store);
  // Instances sharing a PostgreSQL schema tell each other about writes; an embedded store has one instance.
  const feed = await openChangeFeed(config.store, log);

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
        },
        log,
        schemaVersionsKept: config.schemaVersionsKept,
        feed,
      });
      await registry.start();
      if (config.store.engine === 'postgres') {
        registrySync = new RegistrySync({ registry, served, feed, pollMs: config.registryPollMs, log });
        registrySync.start();
      }
    }
  } catch (error) {
    await feed.close();
    await store.close();
    throw error;
  }

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
    consumerChanges: { subscribe: (listener) => subscribeConsumerChanges(feed, listener) },
  });
  const admin = createAdminServer({
    token,
    graphiql: config.graphiql.enabled && { headers: () => graphiqlHeaders?.().admin },
    log,
    registry,
    store,
    served,
    changes: feed,
    async validateBackendUrl(url, field = 'input.url') {
      try {
        await validateBackendUrl(url, { allowPrivate: config.allowPrivateBackends });
      } catch (error) {
        if (error instanceof BackendUrlError) throw badUserInput(field, error.reason);
        throw error;
      }
    },
  });
  const http = createHttpServer({ graphql, admin, served, log, clientAddress: config.clientAddress });

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
    await feed.close();
    await Promise.all([store.close(), dispatcher.close(), limitBudget.close()]);
    log.info('stopped');
  }

  return {
    served,
    generatedAdminToken: token.generatedToken,
    pollSupergraph: staticSupergraph && (() => staticSupergraph.poll()),
    syncRegistry: registrySync && (() => registrySync.sync()),
    listen() {
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
