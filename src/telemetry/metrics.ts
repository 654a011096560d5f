import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { queryPlans, subgraphFetches, type QueryPlanEvent, type SubgraphFetchEvent } from '../graph/engine/instrumentation.js';
import { BoundedLabels, ERROR_CODE_LABEL, OPERATION_LABEL } from './bounded-labels.js';
import { observationOf, operationLabelOf, type Endpoint, type RequestObservation } from './observation.js';

/*
 * Built on prom-client rather than @graphql-yoga/plugin-prometheus: that plugin labels by the
 * operation name as the client wrote it (one series per name, unbounded), knows nothing of the
 * HTTP status, the consumer's plan, the backends (our engine replaces graphql-js execution, so its
 * resolver and subgraph hooks never fire) or the registry, and registers into prom-client's global
 * registry, which two gateways in one process would share. What it would add, per-phase
 * histograms, costs a few lines here.
 */

/** The codes of refusals by a plan's budgets (`useRateLimit`). */
const LIMIT_CODES = new Set(['RATE_LIMITED', 'QUOTA_EXCEEDED', 'RATE_LIMIT_UNAVAILABLE']);
/** What the response cache writes in `x-gatehouse-cache`. */
const CACHE_STATUSES = new Set(['hit', 'miss', 'bypass']);
const OWN_NAME = /^gatehouse_[a-z0-9_]+$/;

export type Phase = 'parse' | 'validate' | 'plan' | 'execute';

/** What other parts of Gatehouse may add to /metrics (the usage buffer's depth and drops, say). */
export interface MetricsHooks {
  /**
   * A gauge read at every scrape: `read()` returns its current value. `name` starts with
   * `gatehouse_` and carries its unit (`gatehouse_usage_buffer_records`). Throws if taken.
   */
  registerGauge(options: { name: string; help: string; read: () => number }): void;
  /**
   * A counter read at every scrape: `read()` returns the running total, which never goes down
   * (`gatehouse_usage_records_dropped_total`). `name` starts with `gatehouse_`, ends with `_total`.
   */
  registerCounter(options: { name: string; help: string; read: () => number }): void;
}

/** What the registry reports about its writes (see `RegistryObserver` in graph/registry.ts). */
export interface CompositionObserver {
  compositionAccepted(version: number): void;
  compositionRefused(): void;
}

export interface MetricsOptions {
  /** The telemetry instance whose requests these are (see `RequestObservation.owner`). */
  owner: object;
  /** Distinct operation names with their own label value. @default 100 */
  maxOperations?: number;
}

// Seconds. Requests: 5 ms … 10 s; phases and backend calls start lower (a cached plan takes µs).
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const PHASE_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const BACKEND_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let processRegistry: Registry | undefined;

/**
 * A metric's children by label values, made once: prom-client hashes a labels object on every
 * `inc`/`observe` (sorting its keys), which per request adds up. Label values are bounded already
 * (operation names and codes by `BoundedLabels`, statuses, plans, backends), so this map is too.
 */
class LabelledChildren<T> {
  readonly #children = new Map<string, T>();
  constructor(private readonly make: (values: string[]) => T) {}

  of(...values: string[]): T {
    const key = values.join('\u0000');
    let child = this.#children.get(key);
    if (!child) this.#children.set(key, (child = this.make(values)));
    return child;
  }
}

/**
 * Process metrics (CPU, memory, event loop lag, GC, handles) describe the process, not one
 * gateway, and collecting them installs observers that are never removed: one set per process.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Gatehouse's Prometheus metrics: one registry per gateway, plus the process's. */
export class Metrics implements MetricsHooks, CompositionObserver {
  readonly registry = new Registry();
  readonly #owner: object;
  /** Per endpoint: admin operations don't take the slots of the consumers' ones. */
  readonly #operations: Record<Endpoint, BoundedLabels>;
  readonly #codes = new BoundedLabels({ max: 100, pattern: ERROR_CODE_LABEL });
  readonly #started = new WeakMap<object, number>();

  readonly #requests: Counter<'endpoint' | 'operation' | 'status' | 'plan'>;
  readonly #requestDuration: Histogram<'endpoint' | 'operation'>;
  readonly #phaseDuration: Histogram<'phase'>;
  readonly #errors: Counter<'endpoint' | 'code'>;
  readonly #refusals: Counter<'code' | 'plan'>;
  readonly #cache: Counter<'status'>;
  readonly #backendRequests: Counter<'backend' | 'outcome'>;
  readonly #backendDuration: Histogram<'backend'>;
  readonly #backendErrors: Counter<'backend' | 'code'>;
  readonly #schemaSwaps: Counter;
  readonly #compositions: Counter<'result'>;
  readonly #lastComposition: Gauge;
  readonly #requestsBy: LabelledChildren<{ inc(): void }>;
  readonly #requestDurationBy: LabelledChildren<{ observe(value: number): void }>;
  readonly #phaseDurationBy: LabelledChildren<{ observe(value: number): void }>;
  readonly #backendRequestsBy: LabelledChildren<{ inc(): void }>;
  readonly #backendDurationBy: LabelledChildren<{ observe(value: number): void }>;

  constructor({ owner, maxOperations = 100 }: MetricsOptions) {
    this.#owner = owner;
    const operations = () => new BoundedLabels({ max: maxOperations, pattern: OPERATION_LABEL });
    this.#operations = { graphql: operations(), admin: operations() };
    processMetrics();
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'gatehouse_requests_total',
      help: 'GraphQL requests answered, by endpoint (graphql, admin), operation name (bounded), HTTP status and plan.',
      labelNames: ['endpoint', 'operation', 'status', 'plan'],
      registers,
    });
    this.#requestDuration = new Histogram({
      name: 'gatehouse_request_duration_seconds',
      help: 'Time from a GraphQL request arriving to its answer being sent, by endpoint and operation name (bounded).',
      labelNames: ['endpoint', 'operation'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.#phaseDuration = new Histogram({
      name: 'gatehouse_graphql_phase_duration_seconds',
      help: 'Time spent per operation in parse, validate (both include their caches), plan (query planning, cached per document) and execute (plan run, backends included).',
      labelNames: ['phase'],
      buckets: PHASE_BUCKETS,
      registers,
    });
    this.#errors = new Counter({
      name: 'gatehouse_graphql_errors_total',
      help: 'Answers carrying an error code, once per request and code, by endpoint and code.',
      labelNames: ['endpoint', 'code'],
      registers,
    });
    this.#refusals = new Counter({
      name: 'gatehouse_limit_refusals_total',
      help: "Requests refused by a plan's budgets: RATE_LIMITED, QUOTA_EXCEEDED, RATE_LIMIT_UNAVAILABLE, by code and plan.",
      labelNames: ['code', 'plan'],
      registers,
    });
    this.#cache = new Counter({
      name: 'gatehouse_response_cache_total',
      help: 'Answers by the response cache status they carried (x-gatehouse-cache: hit, miss, bypass).',
      labelNames: ['status'],
      registers,
    });
    this.#backendRequests = new Counter({
      name: 'gatehouse_backend_requests_total',
      help: 'Subgraph fetches of query plans, by backend and outcome (ok, error). Identical concurrent queries share one HTTP request.',
      labelNames: ['backend', 'outcome'],
      registers,
    });
    this.#backendDuration = new Histogram({
      name: 'gatehouse_backend_request_duration_seconds',
      help: 'Duration of subgraph fetches, by backend.',
      labelNames: ['backend'],
      buckets: BACKEND_BUCKETS,
      registers,
    });
    this.#backendErrors = new Counter({
      name: 'gatehouse_backend_errors_total',
      help: 'Subgraph fetches that answered an error, once per fetch and code, by backend and code (BACKEND_* or the subgraph’s own).',
      labelNames: ['backend', 'code'],
      registers,
    });
    this.#schemaSwaps = new Counter({ name: 'gatehouse_schema_swaps_total', help: 'Times a new schema version was swapped in.', registers });
    this.#compositions = new Counter({
      name: 'gatehouse_registry_compositions_total',
      help: 'Registry writes that changed the graph, by result: accepted (composed, stored, served) or refused (did not compose; nothing changed).',
      labelNames: ['result'],
      registers,
    });
    this.#lastComposition = new Gauge({
      name: 'gatehouse_registry_last_composition_success',
      help: 'Whether the last registry write composed (1) or was refused (0); absent before the first write.',
      registers,
    });
    this.#requestsBy = new LabelledChildren((values) => this.#requests.labels(...values));
    this.#requestDurationBy = new LabelledChildren((values) => this.#requestDuration.labels(...values));
    this.#phaseDurationBy = new LabelledChildren((values) => this.#phaseDuration.labels(...values));
    this.#backendRequestsBy = new LabelledChildren((values) => this.#backendRequests.labels(...values));
    this.#backendDurationBy = new LabelledChildren((values) => this.#backendDuration.labels(...values));
  }

  /** Counts one answered request; `durationMs` runs from its arrival to its last byte. */
  recordRequest(observation: RequestObservation, status: number, durationMs: number): void {
    const { endpoint } = observation;
    const label = operationLabelOf(observation);
    // Our markers, `(none)`, `(anonymous)`, `(batch)`, are a fixed set: they take no slot.
    const operation = label.startsWith('(') ? label : this.#operations[endpoint].valueOf(label);
    const plan = observation.consumer?.plan.name ?? '';
    // Positional values, in each metric's `labelNames` order.
    this.#requestsBy.of(endpoint, operation, String(status), plan).inc();
    this.#requestDurationBy.of(endpoint, operation).observe(durationMs / 1_000);
    for (const code of observation.errorCodes) {
      this.#errors.inc({ endpoint, code: this.#codes.valueOf(code) });
      if (LIMIT_CODES.has(code)) this.#refusals.inc({ code, plan });
    }
    if (observation.cacheStatus !== undefined) {
      const cache = observation.cacheStatus.toLowerCase();
      this.#cache.inc({ status: CACHE_STATUSES.has(cache) ? cache : 'other' });
    }
  }

  observePhase(phase: Phase, durationMs: number): void {
    this.#phaseDurationBy.of(phase).observe(durationMs / 1_000);
  }

  compositionAccepted(): void {
    this.#compositions.inc({ result: 'accepted' });
    this.#lastComposition.set(1);
  }

  compositionRefused(): void {
    this.#compositions.inc({ result: 'refused' });
    this.#lastComposition.set(0);
  }

  schemaSwapped(): void {
    this.#schemaSwaps.inc();
  }

  /** Gauges read at scrape time from whoever knows the value (the served graph, the store). */
  addGauge(name: string, help: string, read: () => number | Promise<number | undefined> | undefined): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        const value = await read();
        if (value === undefined) this.reset();
        else this.set(value);
      },
    });
  }

  registerGauge({ name, help, read }: { name: string; help: string; read: () => number }): void {
    this.#checkName(name);
    this.addGauge(name, help, read);
  }

  registerCounter({ name, help, read }: { name: string; help: string; read: () => number }): void {
    this.#checkName(name);
    if (!name.endsWith('_total')) throw new Error(`A counter's name ends with _total: ${name}`);
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        // prom-client counters only go up; the source keeps the running total, so set it again.
        this.reset();
        this.inc(read());
      },
    });
  }

  #checkName(name: string): void {
    if (!OWN_NAME.test(name)) throw new Error(`Gatehouse metric names look like gatehouse_<what>_<unit>: ${name}`);
    if (this.registry.getSingleMetric(name)) throw new Error(`The metric ${name} is registered already`);
  }

  /**
   * Per-backend fetches and planning time, from the engine's tracing channels. Both stay free of
   * work while nobody subscribes; returns the unsubscribe.
   */
  subscribeToEngine(): () => void {
    const isOurs = (event: { context: unknown }) => observationOf(event.context)?.owner === this.#owner;
    const started = this.#started;
    const fetches = {
      start: (event: SubgraphFetchEvent) => {
        if (isOurs(event)) started.set(event, performance.now());
      },
      asyncEnd: (event: SubgraphFetchEvent & { error?: unknown }) => {
        const at = started.get(event);
        if (at === undefined) return;
        const backend = event.subgraph;
        this.#backendDurationBy.of(backend).observe((performance.now() - at) / 1_000);
        // Executors turn every failure into an error in the result; a rejection is a bug, counted too.
        const codes = event.error !== undefined ? ['INTERNAL_SERVER_ERROR'] : (event.errorCodes ?? []);
        this.#backendRequestsBy.of(backend, codes.length ? 'error' : 'ok').inc();
        for (const code of new Set(codes)) this.#backendErrors.inc({ backend, code: this.#codes.valueOf(code) });
      },
      end: noop,
      asyncStart: noop,
      error: noop,
    };
    const plans = {
      start: (event: QueryPlanEvent) => {
        if (isOurs(event)) started.set(event, performance.now());
      },
      asyncEnd: (event: QueryPlanEvent) => {
        const at = started.get(event);
        if (at !== undefined) this.observePhase('plan', performance.now() - at);
      },
      end: noop,
      asyncStart: noop,
      error: noop,
    };
    subgraphFetches.subscribe(fetches);
    queryPlans.subscribe(plans);
    return () => {
      subgraphFetches.unsubscribe(fetches);
      queryPlans.unsubscribe(plans);
    };
  }

  /** The exposition text (Prometheus text format 0.0.4): this gateway's metrics, then the process's. */
  async render(): Promise<{ contentType: string; body: string }> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return { contentType: this.registry.contentType, body: `${own}\n${process}` };
  }
}

function noop(): void {}
