import type { YogaInitialContext } from 'graphql-yoga';
import type { Logger } from '../log.js';
import type { PlanRecord } from '../store/types.js';

/** Server context handed to Yoga by the HTTP layer. */
export interface ServerContext {
  /** Set when the request arrives: every log line of the request carries it. */
  requestId: string;
  log: Logger;
  /** Peer address of the connection (no forwarding header is trusted): the budget key of anonymous callers. */
  clientAddress?: string;
}

/** Who is calling, as established by the authentication plugins. */
export interface ConsumerIdentity {
  /** Null for anonymous requests. */
  consumerId: string | null;
  /** Consumer name, or `anonymous`. Used in logs, metrics and limiter keys. */
  name: string;
  via: 'api-key' | 'jwt' | 'anonymous';
  plan: PlanRecord;
  /** Scopes granted (from the JWT; API keys carry none). */
  scopes: readonly string[];
}

/**
 * The one context shape of the request path. Plugins that add to it declare
 * their fields here: `consumer` is set by the authentication plugins before
 * any cost, limit or authorization plugin runs.
 */
export type GatehouseContext = YogaInitialContext &
  ServerContext & {
    consumer?: ConsumerIdentity;
  };
