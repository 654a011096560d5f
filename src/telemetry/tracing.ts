import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '../config/schema.js';
import { queryPlans, subgraphFetches, type QueryPlanEvent, type SubgraphFetchEvent } from '../graph/engine/instrumentation.js';
import type { Logger } from '../log.js';
import { startBackendSpan, type BackendTracing } from './backend-tracing.js';
import { LoggedExporter } from './logged-exporter.js';
import { observationOf, type Endpoint, type RequestObservation } from './observation.js';

// Incubating in the semantic conventions (their package asks to copy such names rather than import them).
export const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
export const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';

type MaybePromise<T> = T | Promise<T>;

/**
 * OpenTelemetry for one gateway, made only when tracing is configured. Nothing here is global: it
 * has its own tracer provider and its own context store (an AsyncLocalStorage) instead of
 * registering them with the API's globals, so two gateways in one process (tests) keep their
 * traces apart, and a gateway with tracing off never touches OpenTelemetry at all.
 *
 * The span tree of a request: the server span (`POST /graphql`, continuing an incoming
 * `traceparent`) → `graphql.parse`, `graphql.validate`, `graphql.execute` → `gatehouse.plan` and one
 * `subgraph.fetch <backend>` per fetch of the plan (from the engine's tracing channels) → the
 * backend HTTP request (`POST`, `GET`…), which carries `traceparent` to the backend.
 */
export class Tracing implements BackendTracing {
  readonly #provider: BasicTracerProvider;
  readonly #tracer;
  readonly #store = new AsyncLocalStorage<Context>();
  readonly #propagator = new W3CTraceContextPropagator();
  readonly #owner: object;

  constructor(config: TracingConfig, owner: object, log: Logger) {
    this.#owner = owner;
    const exporter = new OTLPTraceExporter({ url: config.tracesUrl, headers: { ...config.headers }, timeoutMillis: config.timeoutMs });
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName, [ATTR_SERVICE_INSTANCE_ID]: randomUUID() }),
      // A caller's sampling decision (the `traceparent` flags) wins; new traces are sampled at the ratio.
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
      spanProcessors: [new BatchSpanProcessor(new LoggedExporter(exporter, log.child({ component: 'tracing' })))],
    });
    this.#tracer = this.#provider.getTracer('gatehouse');
  }

  /** The context of the span running now (the request's, a fetch's), or the root. */
  active(): Context {
    return this.#store.getStore() ?? ROOT_CONTEXT;
  }

  /** The server span of one GraphQL request, continuing the caller's trace if it sent `traceparent`. */
  startRequest(req: IncomingMessage, endpoint: Endpoint, route: string, clientAddress: string | undefined): Context {
    const parent = this.#propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const method = req.method ?? 'GET';
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: method,
      [ATTR_HTTP_ROUTE]: route,
      [ATTR_URL_PATH]: route,
      [ATTR_URL_SCHEME]: 'http',
      'gatehouse.endpoint': endpoint,
    };
    if (clientAddress) attributes[ATTR_CLIENT_ADDRESS] = clientAddress;
    const userAgent = req.headers['user-agent'];
    if (userAgent) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent.slice(0, 256);
    const span = this.#tracer.startSpan(`${method} ${route}`, { kind: SpanKind.SERVER, attributes }, parent);
    return trace.setSpan(parent, span);
  }

  /** Ends the request's server span with what the request turned out to be. */
  endRequest(observation: RequestObservation, status: number): void {
    const span = observation.traceContext && trace.getSpan(observation.traceContext);
    if (!span) return;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    const [single] = observation.operations;
    if (single && observation.operations.length === 1) {
      if (single.name) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, single.name);
      if (single.type) span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, single.type);
    }
    if (observation.consumer) {
      span.setAttribute('gatehouse.consumer', observation.consumer.name);
      span.setAttribute('gatehouse.plan', observation.consumer.plan.name);
    }
    if (observation.errorCodes.size) span.setAttribute('gatehouse.error_codes', [...observation.errorCodes]);
    // Server spans: only 5xx is an error (semantic conventions, HTTP spans, "Status").
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }

  /** Runs `fn` with `context` active: spans started inside are its children. */
  run<T>(context: Context, fn: () => T): T {
    return this.#store.run(context, fn);
  }

  /** Adds attributes to the span running now (e.g. the operation, once the document is known). */
  annotate(attributes: Attributes): void {
    trace.getSpan(this.active())?.setAttributes(attributes);
  }

  /**
   * Yoga's instrumentation hooks: each phase runs inside its own span, so what it starts (the
   * plan, the fetches) hangs below it. Only added to the plugin when tracing is on.
   */
  graphqlInstrumentation() {
    return {
      // Parsing and validation start no spans of their own: they need no context switch.
      parse: (_payload: unknown, wrapped: () => void) => this.#inSpan('graphql.parse', wrapped, false),
      validate: (_payload: unknown, wrapped: () => void) => this.#inSpan('graphql.validate', wrapped, false),
      execute: (_payload: unknown, wrapped: () => MaybePromise<void>) => this.#inSpan('graphql.execute', wrapped, true),
    };
  }

  #inSpan<T extends MaybePromise<void>>(name: string, wrapped: () => T, activate: boolean): T {
    const parent = this.active();
    const span = this.#tracer.startSpan(name, undefined, parent);
    const fail = (error: unknown) => {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
    };
    let result: T;
    try {
      result = activate ? this.#store.run(trace.setSpan(parent, span), wrapped) : wrapped();
    } catch (error) {
      fail(error);
      span.end();
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        () => span.end(),
        (error: unknown) => {
          fail(error);
          span.end();
          throw error;
        },
      ) as T;
    }
    span.end();
    return result;
  }

  startHttp(backend: string, method: string, url: string, headers: Readonly<Record<string, string>>) {
    return startBackendSpan(this.#tracer, this.#propagator, this.active(), { backend, method, url, headers }, defaultTextMapSetter);
  }

  /**
   * Spans for planning and for every subgraph fetch, from the engine's tracing channels. The fetch
   * span is bound as the active context while the executor runs (`bindStore`), so the backend's
   * HTTP span is its child. Returns the unsubscribe.
   */
  subscribeToEngine(): () => void {
    const spans = new WeakMap<object, Span>();
    const isOurs = (event: { context: unknown }) => observationOf(event.context)?.owner === this.#owner;
    const bindFetch = (event: SubgraphFetchEvent): Context => {
      const parent = this.active();
      if (!isOurs(event)) return parent;
      const span = this.#tracer.startSpan(
        `subgraph.fetch ${event.subgraph}`,
        { kind: SpanKind.CLIENT, attributes: { 'gatehouse.backend': event.subgraph, [ATTR_GRAPHQL_OPERATION_TYPE]: event.operationType } },
        parent,
      );
      spans.set(event, span);
      return trace.setSpan(parent, span);
    };
    const fetches = {
      start: noop,
      end: noop,
      asyncStart: noop,
      error: noop,
      asyncEnd: (event: SubgraphFetchEvent & { error?: unknown }) => {
        const span = spans.get(event);
        if (!span) return;
        if (event.error !== undefined) {
          span.recordException(event.error instanceof Error ? event.error : String(event.error));
          span.setStatus({ code: SpanStatusCode.ERROR });
        } else if (event.errorCodes?.length) {
          span.setAttribute('gatehouse.error_codes', [...new Set(event.errorCodes)]);
          span.setAttribute(ATTR_ERROR_TYPE, event.errorCodes[0]!);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      },
    };
    const plans = {
      end: noop,
      asyncStart: noop,
      error: noop,
      start: (event: QueryPlanEvent) => {
        if (isOurs(event)) spans.set(event, this.#tracer.startSpan('gatehouse.plan', undefined, this.active()));
      },
      asyncEnd: (event: QueryPlanEvent & { error?: unknown }) => {
        const span = spans.get(event);
        if (!span) return;
        if (event.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      },
    };
    // The channel's stores are typed `unknown`; ours holds OpenTelemetry contexts.
    const store = this.#store as AsyncLocalStorage<unknown>;
    subgraphFetches.start.bindStore(store, (event) => bindFetch(event as SubgraphFetchEvent));
    subgraphFetches.subscribe(fetches);
    queryPlans.subscribe(plans);
    return () => {
      subgraphFetches.start.unbindStore(store);
      subgraphFetches.unsubscribe(fetches);
      queryPlans.unsubscribe(plans);
    };
  }

  /** Exports every span ended so far. */
  flush(): Promise<void> {
    return this.#provider.forceFlush();
  }

  /** Exports what is left, then stops. */
  shutdown(): Promise<void> {
    return this.#provider.shutdown();
  }
}

function noop(): void {}
