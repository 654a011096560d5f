import { createGraphQLError, memoize1, type ExecutionRequest, type ExecutionResult, type Executor } from '@graphql-tools/utils';
import { print, type DocumentNode, type GraphQLError } from 'graphql';
import { request, type Dispatcher } from 'undici';
import { backendBadResponse, backendResponseTooLarge, backendTimeout, backendUnavailable } from '../../errors.js';
import type { Logger } from '../../log.js';
import { readBoundedBody } from '../../net/read-bounded-body.js';
import { transportFailure } from '../../net/transport-failure.js';
import { backendRequestHeaders, headerIdentityKey } from '../identity-headers.js';
import type { BackendTracing } from '../../telemetry/backend-tracing.js';
import type { SubgraphExecutor, SubgraphRequest } from '../types.js';

export interface SubgraphEndpoint {
  /** Backend name: the only identifier that reaches clients in errors. */
  name: string;
  url: string;
  headers: Readonly<Record<string, string>>;
  /** Client request headers sent on (lower-case names); the identity headers are always sent. @default [] */
  forwardHeaders?: readonly string[];
  timeoutMs: number;
  /** Largest answer read, in bytes; past it the fetch fails with BACKEND_BAD_RESPONSE, unread. */
  maxResponseBytes: number;
}

export interface SubgraphExecutorOptions {
  /** Connection pool that re-checks every resolved address (SSRF guard). */
  dispatcher: Dispatcher;
  /** The root (or component) logger; the executor adds `{ backend }` itself. */
  log: Logger;
  /**
   * Identical queries to this subgraph that are in flight at the same time share one
   * request (Apollo Router's `deduplicate_query`, Hive Gateway's default). Mutations never do.
   * @default true
   */
  deduplicate?: boolean;
  /** Tracing on: each HTTP request in a client span, with `traceparent`. @default off */
  tracing?: BackendTracing;
}

/** A backend's endpoint: its own timeout and answer limit, or the gateway's. */
export function endpointOf(
  backend: {
    name: string;
    url: string;
    headers: Readonly<Record<string, string>>;
    forwardHeaders: readonly string[];
    timeoutMs: number | null;
    maxResponseBytes: number | null;
  },
  defaults: { defaultTimeoutMs: number; maxResponseBytes: number },
): SubgraphEndpoint {
  return {
    name: backend.name,
    url: backend.url,
    headers: backend.headers,
    forwardHeaders: backend.forwardHeaders,
    timeoutMs: backend.timeoutMs ?? defaults.defaultTimeoutMs,
    maxResponseBytes: backend.maxResponseBytes ?? defaults.maxResponseBytes,
  };
}

type RawResponse = { ok: true; statusCode: number; text: string } | { ok: false; error: GraphQLError; statusCode?: number };

const ACCEPT = 'application/graphql-response+json, application/json;q=0.9';

/**
 * Sends fetches to a GraphQL backend over HTTP and turns every way it can fail into a
 * `BACKEND_*` GraphQL error. We don't use `buildHTTPExecutor` here because its errors quote the
 * response body, which may hold internals the client must not see.
 */
export function createSubgraphExecutor(endpoint: SubgraphEndpoint, { dispatcher, log, deduplicate = true, tracing }: SubgraphExecutorOptions): SubgraphExecutor {
  const backendLog = log.child({ backend: endpoint.name });
  const forwardHeaders = endpoint.forwardHeaders ?? [];
  // Keyed by the request body and who it is for (consumer, plan, scopes, forwarded headers): a
  // backend may answer each consumer differently, so one's answer is never shared with another.
  const inFlight = new Map<string, Promise<RawResponse>>();

  function send(body: string, headers: Record<string, string>): Promise<RawResponse> {
    if (!tracing) return exchange(body, headers);
    const http = tracing.startHttp(endpoint.name, 'POST', endpoint.url, headers);
    return exchange(body, http.headers).then((raw) => {
      if (raw.statusCode !== undefined) http.status(raw.statusCode);
      if (!raw.ok) http.fail(raw.error);
      http.end();
      return raw;
    });
  }

  async function exchange(body: string, headers: Record<string, string>): Promise<RawResponse> {
    const signal = AbortSignal.timeout(endpoint.timeoutMs);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(endpoint.url, { method: 'POST', headers, body, dispatcher, signal });
    } catch (error) {
      return { ok: false, error: classifyTransportError(error, endpoint, signal, backendLog) };
    }
    const read = await readBoundedBody(response, endpoint.maxResponseBytes);
    if (read.ok) return { ok: true, statusCode: response.statusCode, text: read.text };
    if (read.reason === 'failed') return { ok: false, error: classifyTransportError(read.error, endpoint, signal, backendLog), statusCode: response.statusCode };
    backendLog.warn({ statusCode: response.statusCode, maxBytes: read.maxBytes, bytesRead: read.bytesRead }, 'backend answer larger than the limit');
    return { ok: false, error: backendResponseTooLarge(endpoint.name, read.maxBytes), statusCode: response.statusCode };
  }

  function sendShared(body: string, headers: Record<string, string>): Promise<RawResponse> {
    const key = `${headerIdentityKey(headers)}\n${body}`;
    let shared = inFlight.get(key);
    if (!shared) {
      shared = send(body, headers).finally(() => inFlight.delete(key));
      inFlight.set(key, shared);
    }
    return shared;
  }

  return async function executeOnSubgraph({ query, variables, operationName, operationType, context }: SubgraphRequest): Promise<ExecutionResult> {
    const body = JSON.stringify({ query, variables, operationName });
    const headers = { ...backendRequestHeaders(endpoint.headers, forwardHeaders, context), 'content-type': 'application/json', accept: ACCEPT };
    const raw = deduplicate && operationType === 'query' ? await sendShared(body, headers) : await send(body, headers);
    if (!raw.ok) return { errors: [raw.error] };
    // Parsed per caller: the engine merges into the result objects it is given.
    return parseSubgraphResponse(raw.statusCode, raw.text, endpoint, backendLog);
  };
}

// Delegation reuses document objects for the same plan, so printing once per document keeps
// `print` off the hot path; entries die with their document.
const printDocument = memoize1((document: DocumentNode) => print(document));

/**
 * The executor as @graphql-tools delegation calls it (plain GraphQL backends' root fields).
 * `gatewayContextOf` finds the gateway request's context in the delegation's (an in-process
 * subgraph's context wraps it), for the identity headers.
 */
export function asToolsExecutor(executor: SubgraphExecutor, gatewayContextOf: (context: unknown) => unknown = (context) => context): Executor {
  return ((executionRequest: ExecutionRequest) =>
    executor({
      query: printDocument(executionRequest.document),
      document: executionRequest.document,
      variables: executionRequest.variables,
      operationName: executionRequest.operationName,
      operationType: executionRequest.operationType ?? 'query',
      context: gatewayContextOf(executionRequest.context),
    })) as Executor;
}

function classifyTransportError(error: unknown, endpoint: SubgraphEndpoint, signal: AbortSignal, log: Logger): GraphQLError {
  return transportFailure(error, signal, log, endpoint.timeoutMs) === 'timeout'
    ? backendTimeout(endpoint.name, endpoint.timeoutMs, { originalError: error })
    : backendUnavailable(endpoint.name, { originalError: error });
}

function parseSubgraphResponse(statusCode: number, text: string, endpoint: SubgraphEndpoint, log: Logger): ExecutionResult {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    // A 5xx page from a proxy in front of the subgraph means "down", not "garbage".
    if (statusCode >= 500) {
      log.warn({ statusCode }, 'backend answered with a server error');
      return { errors: [backendUnavailable(endpoint.name, { originalError: error })] };
    }
    log.warn({ statusCode }, 'backend answered with something that is not JSON');
    return { errors: [backendBadResponse(endpoint.name, { originalError: error })] };
  }
  if (!isGraphQLResultShape(payload)) {
    log.warn({ statusCode }, 'backend answered with JSON that is not a GraphQL result');
    return {
      errors: [statusCode >= 500 ? backendUnavailable(endpoint.name) : backendBadResponse(endpoint.name)],
    };
  }
  if (!payload.errors) return payload as ExecutionResult;
  return { ...(payload as ExecutionResult), errors: payload.errors.map(toGraphQLError) };
}

interface GraphQLResultShape {
  data?: unknown;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

function isGraphQLResultShape(value: unknown): value is GraphQLResultShape {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { data, errors } = value as Record<string, unknown>;
  const hasData = data !== undefined && (data === null || typeof data === 'object');
  const hasErrors = Array.isArray(errors) && errors.every((e) => typeof (e as { message?: unknown })?.message === 'string');
  return (hasData && (errors === undefined || hasErrors)) || (data === undefined && hasErrors);
}

function toGraphQLError(error: NonNullable<GraphQLResultShape['errors']>[number]): GraphQLError {
  return createGraphQLError(error.message, { path: error.path, extensions: error.extensions });
}
