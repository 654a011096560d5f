/**
 * What every backend request says about the request it serves, as Kong's consumer headers do: the
 * authenticated consumer, its plan and scopes, and the request id. Clients can't send these to a
 * backend themselves: they are never in a backend's `forwardHeaders`, nor in its static headers.
 */
export const IdentityHeader = {
  /** The consumer's name; absent for anonymous callers and with API management off. */
  consumer: 'x-gatehouse-consumer',
  /** The caller's plan (the anonymous plan for anonymous callers). */
  plan: 'x-gatehouse-plan',
  /** The caller's scopes, space-separated (JWTs only); absent when there are none. */
  scopes: 'x-gatehouse-scopes',
  /** The gateway request's id, as on its log lines and its response. */
  requestId: 'x-request-id',
} as const;

export const IDENTITY_HEADER_NAMES: readonly string[] = Object.values(IdentityHeader);

/**
 * The part of the gateway request's context a backend call reads: `GatehouseContext` has this
 * shape. Sources never import the request path, so it is read off the context structurally.
 */
interface CallerContext {
  requestId?: unknown;
  consumer?: { name?: unknown; via?: unknown; plan?: { name?: unknown }; scopes?: unknown };
  request?: { headers?: { get?: unknown } };
}

// RFC 6749 scope-token characters: anything else in a JWT's scope claim is left out, so a value
// can never break the header.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/;

/**
 * The headers of one backend request, lowest precedence first: the client's headers the backend
 * forwards (`forwardHeaders`), the backend's own static headers, then the identity headers, which
 * nothing overrides. Any header of the client's that is not listed is not sent, identity ones
 * (a spoofed `x-gatehouse-consumer`) included.
 */
export function backendRequestHeaders(
  staticHeaders: Readonly<Record<string, string>>,
  forwardHeaders: readonly string[],
  gatewayContext: unknown,
): Record<string, string> {
  const caller = typeof gatewayContext === 'object' && gatewayContext !== null ? (gatewayContext as CallerContext) : undefined;
  const headers: Record<string, string> = {};
  const incoming = caller?.request?.headers;
  if (forwardHeaders.length && typeof incoming?.get === 'function') {
    for (const name of forwardHeaders) {
      const value: unknown = incoming.get.call(incoming, name);
      if (typeof value === 'string') headers[name] = value;
    }
  }
  Object.assign(headers, staticHeaders);
  // Set (not merged) below: a stored header of the same name, written before these names were
  // reserved, loses to them.
  for (const name of IDENTITY_HEADER_NAMES) delete headers[name];
  if (typeof caller?.requestId === 'string') headers[IdentityHeader.requestId] = caller.requestId;
  const consumer = caller?.consumer;
  if (consumer) {
    if (consumer.via !== 'anonymous' && typeof consumer.name === 'string') headers[IdentityHeader.consumer] = consumer.name;
    if (typeof consumer.plan?.name === 'string') headers[IdentityHeader.plan] = consumer.plan.name;
    const scopes = Array.isArray(consumer.scopes) ? consumer.scopes.filter((scope): scope is string => typeof scope === 'string' && SCOPE_TOKEN.test(scope)) : [];
    if (scopes.length) headers[IdentityHeader.scopes] = scopes.join(' ');
  }
  return headers;
}

/**
 * What makes two requests' headers differ for a backend, for in-flight de-duplication: the
 * consumer, plan, scopes and forwarded headers. The request id is left out, or no two requests
 * would ever share a fetch; the shared one carries the id of the request that started it.
 */
export function headerIdentityKey(headers: Readonly<Record<string, string>>): string {
  let key = '';
  for (const [name, value] of Object.entries(headers)) if (name !== IdentityHeader.requestId) key += `${name}:${value}\n`;
  return key;
}
