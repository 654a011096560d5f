import { createGraphQLError } from '@graphql-tools/utils';
import type { GraphQLError } from 'graphql';

/**
 * The error codes Gatehouse raises. Adding one is an API change: the README
 * table and a test that triggers it over HTTP come with it.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  RATE_LIMIT_UNAVAILABLE: 'RATE_LIMIT_UNAVAILABLE',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  COMPOSITION_FAILED: 'COMPOSITION_FAILED',
  SCHEMA_UNAVAILABLE: 'SCHEMA_UNAVAILABLE',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  BACKEND_UNAVAILABLE: 'BACKEND_UNAVAILABLE',
  BACKEND_TIMEOUT: 'BACKEND_TIMEOUT',
  BACKEND_BAD_RESPONSE: 'BACKEND_BAD_RESPONSE',
  BACKEND_BAD_REQUEST: 'BACKEND_BAD_REQUEST',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

interface ErrorOptions {
  path?: ReadonlyArray<string | number>;
  originalError?: unknown;
}

function gatehouseError(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
  { path, originalError }: ErrorOptions = {},
): GraphQLError {
  return createGraphQLError(message, {
    path,
    originalError: originalError instanceof Error ? originalError : undefined,
    extensions: { ...extensions, code },
  });
}

/** `challenge` is the `WWW-Authenticate` value: the schemes (and parameters) the endpoint accepts. */
export function unauthenticated(message = 'Missing or invalid credentials.', challenge = 'Bearer'): GraphQLError {
  return gatehouseError(ErrorCode.UNAUTHENTICATED, message, {
    http: { status: 401, headers: { 'WWW-Authenticate': challenge } },
  });
}

export function forbidden(message: string, options?: ErrorOptions): GraphQLError {
  return gatehouseError(ErrorCode.FORBIDDEN, message, { http: { status: 403 } }, options);
}

/**
 * A field the caller may not see (`@authenticated`, `@requiresScopes`): a field error at `path`
 * next to the data the caller may see, so no HTTP status (an `http.status` would turn the whole
 * response into a 403).
 */
export function forbiddenField(message: string, path: ReadonlyArray<string | number>): GraphQLError {
  return gatehouseError(ErrorCode.FORBIDDEN, message, {}, { path });
}

export interface RateLimitDetails {
  /** Budget of the window or quota period (cost points or requests). */
  limit: number;
  /** When enough budget is back for this request. */
  resetAt: Date;
  /** Seconds until `resetAt`, rounded up: the `Retry-After` header. */
  retryAfterSeconds: number;
}

function tooManyRequests(code: ErrorCode, message: string, { limit, resetAt, retryAfterSeconds }: RateLimitDetails): GraphQLError {
  return gatehouseError(code, message, {
    limit,
    resetAt: resetAt.toISOString(),
    http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } },
  });
}

/** The consumer's rate-limit window has no room for this request's cost. */
export function rateLimited(details: RateLimitDetails): GraphQLError {
  return tooManyRequests(ErrorCode.RATE_LIMITED, `Rate limit exceeded: retry in ${details.retryAfterSeconds} s.`, details);
}

/** The consumer's daily or monthly quota is used up. */
export function quotaExceeded(period: 'day' | 'month', details: RateLimitDetails): GraphQLError {
  return tooManyRequests(ErrorCode.QUOTA_EXCEEDED, `The ${period}ly quota of your plan is used up.`, details);
}

/**
 * The shared budget (Redis) can't be reached and `GATEHOUSE_REDIS_FAILURE=closed` says not to
 * serve limited requests without it. The message names no address: the log has the cause.
 */
export function rateLimitUnavailable(): GraphQLError {
  return gatehouseError(ErrorCode.RATE_LIMIT_UNAVAILABLE, 'Rate limits cannot be checked right now; retry shortly.', {
    http: { status: 503, headers: { 'Retry-After': '1' } },
  });
}

/**
 * A document over one of the static limits (cost, depth, aliases, tokens…),
 * refused before anything is sent to a backend.
 */
export function queryTooComplex(limitName: string, actual: number, max: number): GraphQLError {
  return gatehouseError(
    ErrorCode.QUERY_TOO_COMPLEX,
    `The operation's ${limitName} is ${actual}, above the limit of ${max}.`,
    { limit: limitName, [limitName]: actual, max, http: { status: 400 } },
  );
}

export function persistedQueryNotFound(
  message = 'This plan only accepts trusted documents, and no document with this hash is registered.',
): GraphQLError {
  return gatehouseError(ErrorCode.PERSISTED_QUERY_NOT_FOUND, message, { http: { status: 400 } });
}

/**
 * An operation the cost analysis can't accept, e.g. two slicing arguments where
 * `@listSize(requireOneSlicingArgument: true)` allows one. Yoga's own code, as
 * for any other invalid operation.
 */
export function invalidOperation(message: string): GraphQLError {
  return createGraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
}

/** A request a browser could have sent cross-site without a preflight (Apollo's CSRF rule); Yoga's own code. */
export function csrfRefused(headerNames: string): GraphQLError {
  return createGraphQLError(
    'This request has been blocked as a potential cross-site request forgery (CSRF): send it with ' +
      `a Content-Type other than application/x-www-form-urlencoded, multipart/form-data or text/plain, or with one of the headers ${headerNames}.`,
    { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
  );
}

/**
 * A request an endpoint that takes only JSON POSTs can't take: `405` with `Allow: POST` for
 * another method (GET included), `415` for another body type. Yoga's own code, as for its own
 * refusals of methods and bodies.
 */
export function jsonPostRequired(method: string): GraphQLError {
  const wrongMethod = method !== 'POST';
  return createGraphQLError(
    wrongMethod
      ? `This endpoint takes POST requests with an application/json body, not ${method}.`
      : 'This endpoint takes only application/json request bodies.',
    { extensions: { code: 'BAD_REQUEST', http: wrongMethod ? { status: 405, headers: { Allow: 'POST' } } : { status: 415 } } },
  );
}

/** Admin input that fails its schema or a rule; `field` names the input path, e.g. `input.url`. */
export function badUserInput(field: string, message: string): GraphQLError {
  return gatehouseError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, { field });
}

export function notFound(field: string, message: string): GraphQLError {
  return gatehouseError(ErrorCode.NOT_FOUND, message, { field });
}

/** A path that is neither GraphQL endpoint nor a health check. */
export function routeNotFound(): GraphQLError {
  return gatehouseError(ErrorCode.NOT_FOUND, 'Not found. The GraphQL endpoint is /graphql.', { http: { status: 404 } });
}

export interface CompositionErrorDetail {
  message: string;
  /** The composition rule's own code, e.g. `FIELD_TYPE_MISMATCH`. */
  code: string;
  /** The backend (subgraph) the error concerns, when composition names one. */
  backend: string | null;
}

export function compositionFailed(errors: CompositionErrorDetail[]): GraphQLError {
  const first = errors[0]?.message ?? 'unknown error';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return gatehouseError(ErrorCode.COMPOSITION_FAILED, `The change does not compose: ${first}${more}`, {
    errors,
  });
}

export function schemaUnavailable(): GraphQLError {
  return gatehouseError(
    ErrorCode.SCHEMA_UNAVAILABLE,
    'No schema is being served yet: register a backend or provide a supergraph.',
    { http: { status: 503 } },
  );
}

/**
 * An admin operation could not reach the store (PostgreSQL down or restarting): a field error, as
 * other admin errors are. The cause goes to the log only; the message names no host, port or SQL.
 */
export function storeUnavailable(options?: ErrorOptions): GraphQLError {
  return gatehouseError(
    ErrorCode.STORE_UNAVAILABLE,
    'The store cannot be reached right now; retry once it is back.',
    {},
    options,
  );
}

export function backendUnavailable(backend: string, options?: ErrorOptions): GraphQLError {
  return gatehouseError(
    ErrorCode.BACKEND_UNAVAILABLE,
    `Backend "${backend}" is unavailable.`,
    { backend },
    options,
  );
}

export function backendTimeout(backend: string, timeoutMs: number, options?: ErrorOptions): GraphQLError {
  return gatehouseError(
    ErrorCode.BACKEND_TIMEOUT,
    `Backend "${backend}" did not answer within ${timeoutMs} ms.`,
    { backend, timeoutMs },
    options,
  );
}

export function backendBadResponse(backend: string, options?: ErrorOptions): GraphQLError {
  return gatehouseError(
    ErrorCode.BACKEND_BAD_RESPONSE,
    `Backend "${backend}" sent a response that is not a GraphQL result.`,
    { backend },
    options,
  );
}

/** The backend's answer is larger than the gateway reads (`maxResponseBytes`): dropped unread. */
export function backendResponseTooLarge(backend: string, maxBytes: number, options?: ErrorOptions): GraphQLError {
  return gatehouseError(
    ErrorCode.BACKEND_BAD_RESPONSE,
    `Backend "${backend}" sent a response larger than ${maxBytes} bytes, the most the gateway reads.`,
    { backend },
    options,
  );
}

/**
 * A REST backend answered 4xx: the request built from the client's arguments was refused (unknown
 * id, invalid value). `message` replaces the default one, e.g. to add the backend's own words when
 * the source exposes errors; it must never contain the backend's URL.
 */
export function backendBadRequest(backend: string, status: number, options?: ErrorOptions & { message?: string }): GraphQLError {
  return gatehouseError(
    ErrorCode.BACKEND_BAD_REQUEST,
    options?.message ?? `Backend "${backend}" rejected the request (HTTP ${status}).`,
    { backend, status },
    options,
  );
}

/** Whether an error already carries one of our codes (so wrappers add a code only where missing). */
export function hasErrorCode(error: unknown): boolean {
  const ext = (error as { extensions?: { code?: unknown } } | null)?.extensions;
  return typeof ext?.code === 'string';
}
