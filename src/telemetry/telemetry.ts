import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { trace } from '@opentelemetry/api';
import type { TelemetryConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import { writeAccessLine } from './access-log.js';
import type { BackendTracing } from './backend-tracing.js';
import { metricsHandler, MetricsServer } from './metrics-endpoint.js';
import { Metrics, type CompositionObserver, type MetricsHooks } from './metrics.js';
import { createObservation, type Endpoint, type RequestObservation } from './observation.js';
import { Tracing } from './tracing.js';
import type { GraphQLTelemetry } from './use-telemetry.js';

/** What the HTTP layer gives telemetry of each request's server context. */
export interface ObservedServerContext {
  log: Logger;
  clientAddress?: string;
  observation?: RequestObservation;
}

/** The HTTP server's side: GraphQL requests observed, and /metrics when it is served on the main port. */
export interface HttpTelemetry {
  /** `/metrics` on the main port; undefined when metrics are off or have their own port. */
  readonly serveMetrics: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /**
   * Observes one GraphQL request from its arrival to its last byte (or the client hanging up):
   * `handle` runs it, inside its server span when tracing is on. Writes the access line and the
   * request metrics, and ends the span, once the response is closed.
   */
  observe(endpoint: Endpoint, path: string, req: IncomingMessage, res: ServerResponse, context: ObservedServerContext, handle: () => void): void;
}

/** What the served graph and the store tell telemetry (both read at scrape time). */
export interface TelemetrySources {
  served: {
    readonly current: { version: number; composedAt: Date; backendNames: readonly string[] } | undefined;
    onSwap(listener: () => void): () => void;
  };
  /** A cheap round trip to the store (its health, for `gatehouse_store_up`). */
  checkStore: () => Promise<unknown>;
}

export interface Telemetry {
  /** For `createHttpServer`; undefined when metrics, tracing and access logs are all off. */
  readonly http: HttpTelemetry | undefined;
  /** For both Yoga servers' `useTelemetry`; undefined when all is off. */
  readonly graphql: GraphQLTelemetry | undefined;
  /** For backend executors (client spans, `traceparent`); undefined when tracing is off. */
  readonly backends: BackendTracing | undefined;
  /** For the registry: composition results. */
  readonly compositions: CompositionObserver | undefined;
  /** For other parts of Gatehouse that want a metric on /metrics; undefined when metrics are off. */
  readonly metrics: MetricsHooks | undefined;
  /** Starts reading the served graph and the store for the schema and store gauges. */
  watch(sources: TelemetrySources): void;
  /** Opens the metrics port when it has one; resolves with its base URL (undefined otherwise). */
  listen(): Promise<string | undefined>;
  /** Exports every span ended so far (tests, and shutdown). */
  flush(): Promise<void>;
  /** Closes the metrics port, exports the last spans and stops listening to the engine. */
  close(): Promise<void>;
}

/** Status of a request whose client hung up before any answer was sent (nginx's convention). */
const CLIENT_CLOSED_REQUEST = 499;
const STORE_CHECK_TIMEOUT_MS = 2_000;

/** Metrics, traces and access logs for one gateway, each on or off as configured. */
export function createTelemetry(config: TelemetryConfig, log: Logger): Telemetry {
  const owner = {};
  const metrics = config.metrics && new Metrics({ owner, maxOperations: config.metrics.maxOperations });
  const tracing = config.tracing && new Tracing(config.tracing, owner, log);
  const accessLog = config.accessLog;
  const unsubscribe = [metrics?.subscribeToEngine(), tracing?.subscribeToEngine()];
  const handler = metrics && metricsHandler(metrics, log);
  const metricsServer = handler && config.metrics?.port !== undefined ? new MetricsServer(handler) : undefined;
  if (tracing) log.info({ url: config.tracing?.tracesUrl, sampleRatio: config.tracing?.sampleRatio }, 'tracing on: exporting spans over OTLP/HTTP');

  const anything = metrics !== undefined || tracing !== undefined || accessLog !== false;
  const http: HttpTelemetry | undefined = anything
    ? {
        serveMetrics: metricsServer ? undefined : handler,
        observe(endpoint, path, req, res, context, handle) {
          const observation = createObservation(owner, endpoint, performance.now());
          context.observation = observation;
          res.once('close', () => finish(observation, path, req, res, context));
          if (!tracing) return handle();
          observation.traceContext = tracing.startRequest(req, endpoint, path, context.clientAddress);
          tracing.run(observation.traceContext, handle);
        },
      }
    : undefined;

  function finish(observation: RequestObservation, path: string, req: IncomingMessage, res: ServerResponse, context: ObservedServerContext): void {
    const durationMs = performance.now() - observation.startedAt;
    const aborted = !res.writableFinished;
    const status = aborted && !res.headersSent ? CLIENT_CLOSED_REQUEST : (observation.status ?? res.statusCode);
    metrics?.recordRequest(observation, status, durationMs);
    tracing?.endRequest(observation, status);
    if (accessLog !== false) {
      const span = observation.traceContext && trace.getSpan(observation.traceContext);
      writeAccessLine(context.log, accessLog, observation, {
        method: req.method,
        path,
        status,
        durationMs,
        aborted,
        clientAddress: context.clientAddress,
        userAgent: req.headers['user-agent'],
        traceId: span?.spanContext().traceId,
      });
    }
  }

  return {
    http,
    graphql: anything ? { metrics, tracing } : undefined,
    backends: tracing,
    compositions: metrics,
    metrics,
    watch(sources) {
      if (!metrics) return;
      unsubscribe.push(sources.served.onSwap(() => metrics.schemaSwapped()));
      metrics.addGauge('gatehouse_schema_version', 'Schema version being served; absent while none is.', () => sources.served.current?.version);
      metrics.addGauge('gatehouse_schema_composed_timestamp_seconds', 'When the served schema version was composed (Unix time).', () => {
        const current = sources.served.current;
        return current && current.composedAt.getTime() / 1_000;
      });
      metrics.addGauge('gatehouse_schema_backends', 'Backends composed into the served schema version.', () => sources.served.current?.backendNames.length);
      const health = storeHealth(sources.checkStore, log);
      metrics.addGauge('gatehouse_store_up', 'Whether the store answered a query within 2 s at this scrape (1) or not (0).', async () => ((await health()).up ? 1 : 0));
      metrics.addGauge('gatehouse_store_check_duration_seconds', 'How long that query took.', async () => (await health()).seconds);
    },
    async listen() {
      if (!metricsServer || !config.metrics) return undefined;
      const url = await metricsServer.listen(config.metrics.port!, config.metrics.host);
      log.info({ url: `${url}/metrics` }, 'metrics listening');
      return url;
    },
    flush: () => tracing?.flush() ?? Promise.resolve(),
    async close() {
      for (const stop of unsubscribe) stop?.();
      await Promise.all([metricsServer?.close(), tracing?.shutdown()]);
    },
  };
}

/**
 * One store query per scrape, shared by the two gauges that report it (prom-client collects them
 * concurrently). A store that stops or starts answering is logged once per change.
 */
function storeHealth(check: () => Promise<unknown>, log: Logger): () => Promise<{ up: boolean; seconds: number }> {
  let pending: Promise<{ up: boolean; seconds: number }> | undefined;
  let wasUp = true;
  return () => {
    pending ??= (async () => {
      const startedAt = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${STORE_CHECK_TIMEOUT_MS} ms`)), STORE_CHECK_TIMEOUT_MS);
      });
      let up: boolean;
      try {
        await Promise.race([check(), timeout]);
        up = true;
        if (!wasUp) log.info('store health check answered again');
      } catch (error) {
        up = false;
        if (wasUp) log.warn({ err: error }, 'store health check failed');
      } finally {
        clearTimeout(timer);
      }
      wasUp = up;
      return { up, seconds: (performance.now() - startedAt) / 1_000 };
    })().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

