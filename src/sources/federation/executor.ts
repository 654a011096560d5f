import { memoize1, type ExecutionRequest, type ExecutionResult, type Executor } from '@graphql-tools/utils';
import { print, type DocumentNode, type GraphQLError } from 'graphql';
import { createGraphQLError } from '@graphql-tools/utils';
import { request, type Dispatcher } from 'undici';
import { backendBadResponse, backendTimeout, backendUnavailable } from '../../errors.js';
import { isBlockedAddressError } from '../../net/guarded-agent.js';
import type { Logger } from '../../log.js';

export interface SubgraphEndpoint {
  /** Backend name: the only identifier that reaches clients in errors. */
  name: string;
  url: string;
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
}

export interface SubgraphExecutorOptions {
  /** Connection pool that re-checks every resolved address (SSRF guard). */
  dispatcher: Dispatcher;
  log: Logger;
  /**
   * Identical queries to this subgraph that are in flight at the same time share one
   * request (Apollo Router's `deduplicate_query`, Hive Gateway's default). Mutations never do.
   * @default true
   */
  deduplicate?: boolean;
}

interface RawResponse {
  statusCode: number;
  text: string;
}

// Delegation reuses document objects for the same plan, so printing once per
// document keeps `print` off the hot path; entries die with their document.
const printDocument = memoize1((document: DocumentNode) => print(document));

const ACCEPT = 'application/graphql-response+json, application/json;q=0.9';

/**
 * Sends delegated operations to one federation subgraph over HTTP and turns
 * every way it can fail into a `BACKEND_*` GraphQL error. We don't use
 * `buildHTTPExecutor` here because its errors quote the response body, which
 * may hold internals the client must not see.
 */
export function createSubgraphExecutor(
  endpoint: SubgraphEndpoint,
  { dispatcher, log, deduplicate = true }: SubgraphExecutorOptions,
): Executor {
  const backendLog = log.child({ backend: endpoint.name });
  const headers = { ...endpoint.headers, 'content-type': 'application/json', accept: ACCEPT };
  // Keyed by the request body: headers are the backend's own, the same for every request.
  const inFlight = new Map<string, Promise<RawResponse>>();

  async function send(body: string): Promise<RawResponse> {
    const signal = AbortSignal.timeout(endpoint.timeoutMs);
    try {
      const response = await request(endpoint.url, { method: 'POST', headers, body, dispatcher, signal });
      return { statusCode: response.statusCode, text: await response.body.text() };
    } catch (error) {
      throw classifyTransportError(error, endpoint, signal, backendLog);
    }
  }

  function sendShared(body: string): Promise<RawResponse> {
    let shared = inFlight.get(body);
    if (!shared) {
      shared = send(body).finally(() => inFlight.delete(body));
      inFlight.set(body, shared);
    }
    return shared;
  }

  return async function executeOnSubgraph(executionRequest: ExecutionRequest): Promise<ExecutionResult> {
    const body = JSON.stringify({
      query: printDocument(executionRequest.document),
      variables: executionRequest.variables,
      operationName: executionRequest.operationName,
    });
    let raw: RawResponse;
    try {
      raw = deduplicate && executionRequest.operationType === 'query' ? await sendShared(body) : await send(body);
    } catch (error) {
      return { errors: [error as GraphQLError] };
    }
    // Parsed per caller: the stitching layer may change the result objects it is given.
    return parseSubgraphResponse(raw.statusCode, raw.text, endpoint, backendLog);
  };
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
