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
export function createSubgraphExecutor(endpoint: SubgraphEndpoint, { dispatcher, log }: SubgraphExecutorOptions): Executor {
  const backendLog = log.child({ backend: endpoint.name });
  const headers = { ...endpoint.headers, 'content-type': 'application/json', accept: ACCEPT };

  return async function executeOnSubgraph(executionRequest: ExecutionRequest): Promise<ExecutionResult> {
    const body = JSON.stringify({
      query: printDocument(executionRequest.document),
      variables: executionRequest.variables,
      operationName: executionRequest.operationName,
    });
    const signal = AbortSignal.timeout(endpoint.timeoutMs);
    let statusCode: number;
    let text: string;
    try {
      const response = await request(endpoint.url, { method: 'POST', headers, body, dispatcher, signal });
      statusCode = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      return { errors: [classifyTransportError(error, endpoint, signal, backendLog)] };
    }
    return parseSubgraphResponse(statusCode, text, endpoint, backendLog);
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
