import type { AddressInfo } from 'node:net';
import type { GatehouseConfig } from './config/schema.js';
import { createAdminServer } from './admin/server.js';
import { setUpAdminToken } from './admin/auth.js';
import { AuditLog } from './audit/audit-log.js';
import { badUserInput } from './errors.js';
import { ServedGraph } from './graph/generation.js';
import { Registry } from './graph/registry.js';
import { StaticSupergraph } from './graph/static-supergraph.js';
import type { GraphiQLHeaders } from './http/graphiql.js';
import { createHttpServer } from './http/server.js';
import type { Logger } from './log.js';
import { BackendUrlError, validateBackendUrl } from './net/backend-url.js';
import { createGuardedAgent } from './net/guarded-agent.js';
import { InMemoryRateLimiter } from './request-path/limits/rate-limiter.js';
import { readRateLimitBudget } from './request-path/plugins/use-rate-limit.js';
import { createRequestPath } from './request-path/server.js';
import { openStore } from './store/index.js';
import { createUsage, schemaCheckUsage, type Usage } from './usage/index.js';

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
}

/** Wires config → store → graph → servers. Nothing here handles a request itself. */
export async function createGatehouse(
  config: Readonly<GatehouseConfig>,
  log: Logger,
  { now, graphiqlHeaders }: GatehouseOptions = {},
): Promise<Gatehouse> {
  const store = await openStore(config.store);
  const dispatcher = createGuardedAgent({ allowPrivate: config.allowPrivateBackends });
  const served = new ServedGraph();
  const token = await setUpAdminToken(config.adminToken, store);
  const clock = now ?? Date.now;
  const usage = createUsage({ store: store.usage, config: config.usage, log, now: clock });
  const audit = new AuditLog({ store: store.audit, log, retentionDays: config.audit.retentionDays, now: clock });
  audit.start();
  // Shared by the rate limit plugin and the admin API's consumerUsage (which only reads it).
  const rateLimiter = new InMemoryRateLimiter();

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
        // A check says "unused" only where this instance records usage.
        changeUsage: config.usage.enabled ? schemaCheckUsage(usage.analytics, config.usage.schemaCheckWindowDays, clock) : undefined,
      });
      await registry.start();
    }
  } catch (error) {
    audit.stop();
    await usage.close();
    await store.close();
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
    now,
    usage: config.usage.enabled
      ? { record: (draft) => usage.recorder.append(draft), backendCallsOf: (context) => usage.backendCalls.callsOf(context), now: clock }
      : undefined,
    rateLimiter,
  });
  const admin = createAdminServer({
    token,
    graphiql: config.graphiql.enabled && { headers: () => graphiqlHeaders?.().admin },
    log,
    registry,
    store,
    served,
    audit,
    usage: {
      enabled: config.usage.enabled,
      analytics: usage.analytics,
      recorderStatus: () => usage.recorder.status(),
      windowDays: config.usage.schemaCheckWindowDays,
      async rateLimitBudget(consumerId, plan) {
        const budget = await readRateLimitBudget(rateLimiter, consumerId, plan, clock());
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
  const http = createHttpServer({ graphql, admin, served, log });

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
    // The last records go to the store while it is still open.
    audit.stop();
    await usage.close();
    await Promise.all([store.close(), dispatcher.close()]);
    log.info('stopped');
  }

  return {
    served,
    usage,
    audit,
    generatedAdminToken: token.generatedToken,
    pollSupergraph: staticSupergraph && (() => staticSupergraph.poll()),
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
