import type { GraphQLError } from 'graphql';
import { request, type Dispatcher } from 'undici';
import { backendBadRequest, backendBadResponse, backendTimeout, backendUnavailable } from '../../errors.js';
import { transportFailure } from '../../net/transport-failure.js';
import { readBoundedBody } from '../../net/read-bounded-body.js';
import type { Logger } from '../../log.js';
import { backendRequestHeaders } from '../identity-headers.js';
import type { BackendTracing } from '../../telemetry/backend-tracing.js';
import { deepObjectPairs, type EncodedBody } from './body-encoding.js';
import { isRecord } from './document.js';

export interface RestEndpoint {
  /** Backend name: the only identifier that reaches clients in errors. */
  name: string;
  /** Base URL the operation paths are appended to, without a trailing slash. */
  baseUrl: string;
  /** Sent with every request, e.g. credentials; names in lower case. */
  headers: Readonly<Record<string, string>>;
  /** Client request headers sent on (lower-case names); the identity headers are always sent. */
  forwardHeaders: readonly string[];
  timeoutMs: number;
  /** Largest answer read, in bytes; past it the call fails with `BACKEND_BAD_RESPONSE`. */
  maxResponseBytes: number;
  dispatcher: Dispatcher;
  /** Already a child logger carrying `{ backend }`. */
  log: Logger;
  /** Tracing on: each call in a client span, with `traceparent`. */
  tracing?: BackendTracing;
  /** Put the backend's 4xx answer in the error message (never the URL). */
  exposeErrors: boolean;
}

/** One parameter of an operation, as the request builder needs it. */
export interface ParameterPlan {
  /** The name on the wire (path template variable, query key, header name). */
  name: string;
  in: 'path' | 'query' | 'header';
  /** The GraphQL argument carrying it. */
  argumentName: string;
  /** OpenAPI `style`, defaulted per location (`simple` for path and header, `form` for query). */
  style: string;
  /** OpenAPI `explode`, defaulted per style (`true` for `form`, else `false`). */
  explode: boolean;
  /** From the GraphQL argument value to the JSON value to serialise. */
  toJson(value: unknown): unknown;
}

export interface RequestPlan {
  method: string;
  /** Path template, e.g. `/prices/{sku}`. */
  path: string;
  parameters: readonly ParameterPlan[];
  body?: BodyPlan;
}

/** The request body: which argument carries it and how it goes on the wire (JSON, form or multipart). */
export interface BodyPlan {
  argumentName: string;
  /** From the argument value to the bytes to send; may throw a `BAD_USER_INPUT` GraphQLError. */
  encode(value: unknown): EncodedBody;
}

/**
 * Sends one REST call built from GraphQL arguments and resolves with the JSON it answered
 * (`null` for an empty answer), or rejects with a `BACKEND_*` error that names the backend only.
 * `gatewayContext` is the gateway request's context: who the call is for (identity headers).
 */
export async function callRestOperation(endpoint: RestEndpoint, plan: RequestPlan, args: Readonly<Record<string, unknown>>, gatewayContext?: unknown): Promise<unknown> {
  const { url, headers } = buildRequest(endpoint, plan, args, gatewayContext);
  if (!endpoint.tracing) return call(endpoint, plan, args, { url, headers });
  const http = endpoint.tracing.startHttp(endpoint.name, plan.method, url, headers);
  try {
    return await call(endpoint, plan, args, { url, headers: http.headers }, http.status);
  } catch (error) {
    http.fail(error);
    throw error;
  } finally {
    http.end();
  }
}

async function call(
  endpoint: RestEndpoint,
  plan: RequestPlan,
  args: Readonly<Record<string, unknown>>,
  { url, headers }: { url: string; headers: Record<string, string> },
  onStatus?: (statusCode: number) => void,
): Promise<unknown> {
  let body: string | Buffer | undefined;
  if (plan.body && args[plan.body.argumentName] !== undefined) {
    const encoded = plan.body.encode(args[plan.body.argumentName]);
    body = encoded.payload;
    headers['content-type'] = encoded.contentType;
  }
  // One signal for the whole call: it also aborts a body that is still streaming.
  const signal = AbortSignal.timeout(endpoint.timeoutMs);
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, { method: plan.method as Dispatcher.HttpMethod, headers, body, dispatcher: endpoint.dispatcher, signal });
  } catch (error) {
    throw transportError(error, endpoint, signal);
  }
  onStatus?.(response.statusCode);
  const read = await readBoundedBody(response, endpoint.maxResponseBytes);
  if (!read.ok && read.reason === 'failed') throw transportError(read.error, endpoint, signal);
  const { statusCode } = response;
  if (!read.ok) {
    const { maxBytes, bytesRead, declaredBytes } = read;
    endpoint.log.warn({ operation: `${plan.method} ${plan.path}`, statusCode, maxBytes, bytesRead, declaredBytes }, 'backend answer larger than the limit');
    // An error status still says what went wrong; only a success needs the body it could not read.
    if (statusCode >= 200 && statusCode < 300) throw backendBadResponse(endpoint.name);
  }
  return parseResponse(statusCode, read.ok ? read.text : '', endpoint, plan);
}

function transportError(error: unknown, endpoint: RestEndpoint, signal: AbortSignal): GraphQLError {
  return transportFailure(error, signal, endpoint.log, endpoint.timeoutMs) === 'timeout'
    ? backendTimeout(endpoint.name, endpoint.timeoutMs, { originalError: error })
    : backendUnavailable(endpoint.name, { originalError: error });
}

function parseResponse(statusCode: number, text: string, endpoint: RestEndpoint, plan: RequestPlan): unknown {
  const operation = `${plan.method} ${plan.path}`;
  if (statusCode >= 500) {
    endpoint.log.warn({ statusCode, operation }, 'backend answered with a server error');
    throw backendUnavailable(endpoint.name);
  }
  if (statusCode >= 400) {
    // The caller's arguments were refused: not a degraded backend, so no warning.
    endpoint.log.debug({ statusCode, operation }, 'backend refused the request');
    // The backend may quote the URL it was called on; the client must not learn it even then.
    const body = text.trim().slice(0, 1000).split(endpoint.baseUrl).join(`<${endpoint.name}>`);
    const details = endpoint.exposeErrors && body !== '' ? `: ${body}` : '';
    const message = `Backend "${endpoint.name}" rejected the request (HTTP ${statusCode})${details}`;
    throw backendBadRequest(endpoint.name, statusCode, { message: details === '' ? undefined : message });
  }
  if (statusCode < 200 || statusCode >= 300) {
    // undici does not follow redirects, and a redirect is not an answer we can map to a field.
    endpoint.log.warn({ statusCode, operation }, 'backend answered with an unexpected status');
    throw backendBadResponse(endpoint.name);
  }
  if (statusCode === 204 || text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    endpoint.log.warn({ statusCode, operation }, 'backend answered with something that is not JSON');
    throw backendBadResponse(endpoint.name, { originalError: error });
  }
}

function buildRequest(
  endpoint: RestEndpoint,
  plan: RequestPlan,
  args: Readonly<Record<string, unknown>>,
  gatewayContext: unknown,
): { url: string; headers: Record<string, string> } {
  let path = plan.path;
  const query: string[] = [];
  const parameterHeaders: Record<string, string> = {};
  for (const parameter of plan.parameters) {
    const raw = args[parameter.argumentName];
    if (raw === undefined || raw === null) continue;
    const value = parameter.toJson(raw);
    switch (parameter.in) {
      case 'path':
        path = path.split(`{${parameter.name}}`).join(serializePathValue(parameter, value));
        break;
      case 'query':
        query.push(...serializeQueryValue(parameter, value));
        break;
      case 'header':
        parameterHeaders[parameter.name.toLowerCase()] = serializeSimple(value, parameter.explode, String);
        break;
    }
  }
  const url = `${endpoint.baseUrl}${path}${query.length > 0 ? `?${query.join('&')}` : ''}`;
  // A header parameter is the caller's argument: it may replace a configured header, never an identity one.
  const headers = backendRequestHeaders({ ...endpoint.headers, ...parameterHeaders }, endpoint.forwardHeaders, gatewayContext);
  return { url, headers: { ...headers, accept: 'application/json' } };
}

const primitive = (value: unknown): string => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));

/** `simple` style (RFC 6570 `{x}` / `{x*}`): lists comma-joined; objects as `k,v` or, exploded, `k=v`. */
function serializeSimple(value: unknown, explode: boolean, encode: (text: string) => string): string {
  if (Array.isArray(value)) return value.map((item) => encode(primitive(item))).join(',');
  if (isRecord(value)) {
    return Object.entries(value)
      .map(([key, item]) => (explode ? `${encode(key)}=${encode(primitive(item))}` : `${encode(key)},${encode(primitive(item))}`))
      .join(',');
  }
  return encode(primitive(value));
}

function serializePathValue(parameter: ParameterPlan, value: unknown): string {
  const encode = encodeURIComponent;
  switch (parameter.style) {
    case 'label':
      return `.${Array.isArray(value) && parameter.explode ? value.map((item) => encode(primitive(item))).join('.') : serializeSimple(value, parameter.explode, encode)}`;
    case 'matrix': {
      const name = encode(parameter.name);
      if (Array.isArray(value) && parameter.explode) return value.map((item) => `;${name}=${encode(primitive(item))}`).join('');
      return `;${name}=${serializeSimple(value, parameter.explode, encode)}`;
    }
    default:
      return serializeSimple(value, parameter.explode, encode);
  }
}

/** `name=value` pairs, already percent-encoded; delimiters between list items stay literal. */
function serializeQueryValue(parameter: ParameterPlan, value: unknown): string[] {
  const encode = encodeURIComponent;
  const name = encode(parameter.name);
  // deepObject is defined for objects only; lists under it (Stripe's `expand`) take indices, as `qs` does.
  if (parameter.style === 'deepObject' && typeof value === 'object' && value !== null) {
    return deepObjectPairs(parameter.name, value).map(([key, item]) => `${encode(key)}=${encode(item)}`);
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => encode(primitive(item)));
    if (parameter.explode) return items.map((item) => `${name}=${item}`);
    const delimiter = parameter.style === 'spaceDelimited' ? '%20' : parameter.style === 'pipeDelimited' ? '|' : ',';
    return [`${name}=${items.join(delimiter)}`];
  }
  if (isRecord(value)) {
    const entries = Object.entries(value);
    if (parameter.explode) return entries.map(([key, item]) => `${encode(key)}=${encode(primitive(item))}`);
    return [`${name}=${entries.map(([key, item]) => `${encode(key)},${encode(primitive(item))}`).join(',')}`];
  }
  return [`${name}=${encode(primitive(value))}`];
}
