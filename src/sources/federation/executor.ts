import { createGraphQLError, memoize1, type ExecutionRequest, type ExecutionResult, type Executor } from '@graphql-tools/utils';
import { print, type DocumentNode, type GraphQLError } from 'graphql';
import { request, type Dispatcher } from 'undici';
import { backendBadResponse, backendResponseTooLarge, backendTimeout, backendUnavailable } from '../../errors.js';
import type { Logger } from '../../log.js';
import { isBlockedAddressError } from '../../net/guarded-agent.js';
import { readBoundedBody } from '../../net/read-bounded-body.js';
import type { BackendTracing } from '../../telemetry/backend-tracing.js';
import type { SubgraphExecutor, SubgraphRequest } from '../types.js';

export interface SubgraphEndpoint {
  /** Backend name: the only identifier that reaches clients in errors. */
  name: string;
  url: string;
  headers: Readonly<Record<string, string>>;
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

type RawResponse = { ok: true; statusCode: number; text: string } | { ok: false; error: GraphQLError; statusCode?: number };

const ACCEPT = 'application/graphql-response+json, application/json;q=0.9';

/**
 * Sends fetches to a GraphQL backend over HTTP and turns every way it can fail into a
 * `BACKEND_*` GraphQL error. We don't use `buildHTTPExecutor` here because its errors quote the
 * response body, which may hold internals the client must not see.
 */
export function createSubgraphExecutor(endpoint: SubgraphEndpoint, { dispatcher, log, deduplicate = true, tracing }: SubgraphExecutorOptions): SubgraphExecutor {
  const backendLog = log.child({ backend: endpoint.name });
  const headers = { ...endpoint.headers, 'content-type': 'application/json', accept: ACCEPT };
  // Keyed by the request body: headers are the backend's own, the same for every request.
  const inFlight = new Map<string, Promise<RawResponse>>();

  function send(body: string): Promise<RawResponse> {
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

  function sendShared(body: string): Promise<RawResponse> {
    let shared = inFlight.get(body);
    if (!shared) {
      shared = send(body).finally(() => inFlight.delete(body));
      inFlight.set(body, shared);
    }
    return shared;
  }

  return async function executeOnSubgraph({ query, variables, operationName, operationType }: SubgraphRequest): Promise<ExecutionResult> {
    const body = JSON.stringify({ query, variables, operationName });
    const raw = deduplicate && operationType === 'query' ? await sendShared(body) : await send(body);
    if (!raw.ok) return { errors: [raw.error] };
    // Parsed per caller: the engine merges into the result objects it is given.
    return parseSubgraphResponse(raw.statusCode, raw.text, endpoint, backendLog);
  };
}

// Delegation reuses document objects for the same plan, so printing once per document keeps
// `print` off the hot path; entries die with their document.
const printDocument = memoize1((document: DocumentNode) => print(document));

/** The executor as @graphql-tools delegation calls it (plain GraphQL backends' root fields). */
export function asToolsExecutor(executor: SubgraphExecutor): Executor {
  return ((executionRequest: ExecutionRequest) =>
    executor({
      query: printDocument(executionRequest.document),
      document: executionRequest.document,
      variables: executionRequest.variables,
      operationName: executionRequest.operationName,
      operationType: executionRequest.operationType ?? 'query',
      context: executionRequest.context,
    })) as Executor;
}

function classifyTransportError(error: unknown, endpoint: SubgraphEndpoint, signal: AbortSignal, log: Logger): GraphQLError {
  if (signal.aborted) {
    log.warn({ timeoutMs: endpoint.timeoutMs }, 'backend timed out');
    return backendTimeout(endpoint.name, endpoint.timeoutMs, { originalError: error });
  }
  if (isBlockedAddressError(error)) {
    log.warn('backend address refused by the private-address guard');
  } else {
    log.warn({ err: error }, 'backend unreachable');
  }
  return backendUnavailable(endpoint.name, { originalError: error });
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
