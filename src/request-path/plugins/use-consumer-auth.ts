import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { API_KEY_PATTERN, hashApiKey } from '../../consumers/api-keys.js';
import { ErrorCode, unauthenticated } from '../../errors.js';
import type { ConsumerChanges } from '../consumer-changes.js';
import type { ConsumerIdentity, GatehouseContext, ServerContext } from '../context.js';
import { ConsumerResolver, type ConsumerLookupStore } from './consumer-auth/consumer-resolver.js';
import { createJwtVerifier, type JwtVerifierOptions } from './consumer-auth/jwt-verifier.js';

export interface ConsumerAuthOptions {
  /** Where keys, consumers and plans are looked up (behind a cache). */
  store: ConsumerLookupStore;
  /** Lower-case header carrying the API key. @default 'x-api-key' */
  apiKeyHeader?: string;
  /**
   * How long a key (or JWT consumer, or the anonymous plan) read from the store is reused, in ms:
   * a revoked key or disabled consumer is refused at most this long after the change (at once
   * when `changes` tells of it). @default 2000
   */
  apiKeyCacheTtlMs?: number;
  /** How long an unknown key or consumer is remembered, in ms (capped at `apiKeyCacheTtlMs`). @default 500 */
  negativeCacheTtlMs?: number;
  /** Plan of requests without credentials; undefined: credentials are required. @default undefined */
  anonymousPlan?: string | undefined;
  /** JWT bearer tokens; undefined: not accepted. @default undefined */
  jwt?: JwtVerifierOptions | undefined;
  /** Clock for key expiry, in ms since the epoch (tests inject one). @default Date.now */
  now?: () => number;
  /** Changes to keys, consumers and plans made on any instance: cached lookups are dropped on them. @default none */
  changes?: ConsumerChanges | undefined;
}

// Longest credential worth looking at: anything longer is malformed without further work.
const MAX_CREDENTIAL_LENGTH = 8_192;
const BEARER = /^Bearer +([^\s]+) *$/i;
const MISSING_PLAN_WARNING_INTERVAL_MS = 60_000;

/**
 * Establishes `context.consumer` for every /graphql request before its body is read: an API key
 * (configured header), a JWT bearer token, or, without credentials, the anonymous plan if one is
 * configured. Anything else ends the request with 401 `UNAUTHENTICATED` and a `WWW-Authenticate`
 * challenge, and a message saying what was wrong without repeating the credential.
 */
export function useConsumerAuth({
  store,
  apiKeyHeader = 'x-api-key',
  apiKeyCacheTtlMs = 2_000,
  negativeCacheTtlMs = 500,
  anonymousPlan,
  jwt,
  now = Date.now,
  changes,
}: ConsumerAuthOptions): Plugin<GatehouseContext, ServerContext> {
  const resolver = new ConsumerResolver({ store, cacheTtlMs: apiKeyCacheTtlMs, negativeCacheTtlMs, changes });
  const verifyJwt = jwt && createJwtVerifier(jwt);
  let missingPlanWarnedAt = -Infinity;

  const apiKeyChallenge = `ApiKey header="${apiKeyHeader}"`;
  const anyChallenge = verifyJwt ? `Bearer, ${apiKeyChallenge}` : apiKeyChallenge;
  const refuseKey = (message: string) => unauthenticated(message, apiKeyChallenge);
  const refuseToken = (reason: string) => unauthenticated(`Invalid bearer token: ${reason}.`, 'Bearer error="invalid_token"');
  const credentialsHint = verifyJwt ? `an API key in the ${apiKeyHeader} header or a bearer token` : `an API key in the ${apiKeyHeader} header`;

  async function byApiKey(key: string): Promise<ConsumerIdentity> {
    if (key.length > MAX_CREDENTIAL_LENGTH || !API_KEY_PATTERN.test(key)) {
      throw refuseKey(`Malformed API key in the ${apiKeyHeader} header.`);
    }
    const owner = await resolver.keyOwner(hashApiKey(key));
    // Revocation is checked on the cached record too: a revocation drops it when heard of, and it is
    // at most `apiKeyCacheTtlMs` old when the notification was lost.
    if (!owner || owner.key.revokedAt) throw refuseKey('Unknown or revoked API key.');
    // A rotated key stays valid until its `expiresAt`, so both keys work during the overlap.
    if (owner.key.expiresAt && owner.key.expiresAt.getTime() <= now()) throw refuseKey('Expired API key.');
    if (owner.consumer.disabled) throw refuseKey('The consumer of this API key is disabled.');
    return { consumerId: owner.consumer.id, name: owner.consumer.name, via: 'api-key', plan: owner.plan, scopes: [], keyPrefix: owner.key.prefix };
  }

  async function byBearerToken(authorization: string): Promise<ConsumerIdentity> {
    if (!verifyJwt) throw unauthenticated(`Bearer tokens are not accepted here: send ${credentialsHint}.`, anyChallenge);
    const token = authorization.length <= MAX_CREDENTIAL_LENGTH ? BEARER.exec(authorization)?.[1] : undefined;
    if (!token) throw refuseToken('the Authorization header must be "Bearer <token>"');
    const outcome = await verifyJwt(token);
    if (!outcome.ok) throw refuseToken(outcome.reason);
    const found = await resolver.consumerByName(outcome.consumerName);
    if (!found) throw refuseToken('it names no known consumer');
    if (found.consumer.disabled) throw refuseToken('its consumer is disabled');
    return { consumerId: found.consumer.id, name: found.consumer.name, via: 'jwt', plan: found.plan, scopes: outcome.scopes };
  }

  async function anonymous(log: ServerContext['log']): Promise<ConsumerIdentity> {
    const plan = anonymousPlan === undefined ? undefined : await resolver.planByName(anonymousPlan);
    if (!plan) {
      // Fail closed: a configured anonymous plan that doesn't exist (yet) means no anonymous access.
      if (anonymousPlan !== undefined && now() - missingPlanWarnedAt >= MISSING_PLAN_WARNING_INTERVAL_MS) {
        missingPlanWarnedAt = now();
        log.warn({ plan: anonymousPlan }, 'anonymous plan not found; refusing requests without credentials');
      }
      throw unauthenticated(`Missing credentials: send ${credentialsHint}.`, anyChallenge);
    }
    return { consumerId: null, name: 'anonymous', via: 'anonymous', plan, scopes: [] };
  }

  function authenticate(request: Request, log: ServerContext['log']): Promise<ConsumerIdentity> {
    // An empty header counts as absent: GraphiQL sends its prefilled `"x-api-key": ""` as is.
    const apiKey = request.headers.get(apiKeyHeader)?.trim() || undefined;
    const authorization = request.headers.get('authorization')?.trim() || undefined;
    if (apiKey !== undefined && authorization !== undefined) {
      return Promise.reject(unauthenticated('Send one credential: an API key or a bearer token, not both.', anyChallenge));
    }
    if (apiKey !== undefined) return byApiKey(apiKey);
    if (authorization !== undefined) return byBearerToken(authorization);
    return anonymous(log);
  }

  return {
    // Before the body is read or parsed: a refused request costs a header check and (at most) one
    // cached lookup. The thrown GraphQLError becomes the 401 response, with its header.
    async onRequestParse({ request, serverContext }) {
      const { log } = serverContext;
      try {
        const identity = await authenticate(request, log);
        // On the server context (one per HTTP request), which Yoga turns into the GraphQL context:
        // hooks that run before the context is built (onParams, onValidate, onExecutionResult of
        // a document that did not validate) see the consumer too; batched operations inherit it.
        (serverContext as Partial<GatehouseContext>).consumer = identity;
        log.debug({ consumer: identity.name, via: identity.via, plan: identity.plan.name }, 'consumer authenticated');
      } catch (error) {
        // Anything else (store or JWKS endpoint down) is masked and logged by Yoga.
        if (error instanceof GraphQLError && error.extensions.code === ErrorCode.UNAUTHENTICATED) {
          log.debug({ reason: error.message }, 'authentication refused');
        }
        throw error;
      }
    },
    onContextBuilding({ context }) {
      // Fail closed if an operation ever got here without passing onRequestParse.
      if (!context.consumer) throw unauthenticated(`Missing credentials: send ${credentialsHint}.`, anyChallenge);
    },
  };
}
