import type { Context } from '@opentelemetry/api';

/** Which of the two GraphQL endpoints a request went to. */
export type Endpoint = 'graphql' | 'admin';

/** The consumer as authentication established it; only what metrics and logs may show. */
export interface ObservedConsumer {
  name: string;
  via: string;
  plan: { name: string };
  /** Public prefix of the API key used (`gh_live_ab12cd34`), never the key. */
  keyPrefix?: string;
}

/**
 * What one GraphQL request did, filled in by `useTelemetry` as it goes through Yoga and read by
 * `observeRequest` once its answer is sent: the access log line, the request metrics and the
 * server span's attributes all come from here. It hangs off the server context (`observation`),
 * which Yoga copies into the context of every operation, batched ones included.
 */
export interface RequestObservation {
  /**
   * The telemetry instance that made it. The tracing channels are process-wide: a process that
   * runs two gateways (tests do) sees both gateways' fetches, and each counts only its own.
   */
  readonly owner: object;
  readonly endpoint: Endpoint;
  /** `performance.now()` when the request arrived. */
  readonly startedAt: number;
  /** Operations as parsed, in order (a batch has several); empty when none was parsed. */
  readonly operations: Array<{ name: string | undefined; type: string | undefined }>;
  /** GraphQL contexts of the operations that reached execution (their cost is read from them). */
  readonly executed: object[];
  /** Distinct error codes in the answer (`extensions.code`). */
  readonly errorCodes: Set<string>;
  consumer: ObservedConsumer | undefined;
  /** Static cost admitted for the request's operations (request path, API management on). */
  cost: number | undefined;
  /** HTTP status Yoga answered with (the socket's, if Yoga never answered). */
  status: number | undefined;
  /** The `x-gatehouse-cache` response header (HIT, MISS, BYPASS), when the response cache set one. */
  cacheStatus: string | undefined;
  /** Tracing on: the request's context (its server span), parent of every span of the request. */
  traceContext: Context | undefined;
}

export function createObservation(owner: object, endpoint: Endpoint, startedAt: number): RequestObservation {
  return {
    owner,
    endpoint,
    startedAt,
    operations: [],
    executed: [],
    errorCodes: new Set(),
    consumer: undefined,
    cost: undefined,
    status: undefined,
    cacheStatus: undefined,
    traceContext: undefined,
  };
}

/** The observation a server or GraphQL context carries, if telemetry is on. */
export function observationOf(context: unknown): RequestObservation | undefined {
  return (context as { observation?: RequestObservation } | null | undefined)?.observation;
}

/** Label value of a request's operation: its name, or a marker no GraphQL name can collide with. */
export function operationLabelOf(observation: RequestObservation): string {
  const { operations } = observation;
  if (operations.length === 0) return '(none)';
  if (operations.length > 1) return '(batch)';
  return operations[0]!.name ?? '(anonymous)';
}
