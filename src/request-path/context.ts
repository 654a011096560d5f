import type { BaseContext } from '../http/context.js';
import type { PlanRecord } from '../consumers/types.js';

export type { ServerContext } from '../http/context.js';

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
  /** The public prefix of the API key used (`gh_live_ab12cd34`): what logs may show of it. */
  keyPrefix?: string;
}

/**
 * The one context shape of the request path. Plugins that add to it declare
 * their fields here: `consumer` is set by the authentication plugins before
 * any cost, limit or authorization plugin runs.
 */
export type GatehouseContext = BaseContext & {
  consumer?: ConsumerIdentity;
  /** What the response cache did for this operation; set in its onExecute (usage records read it). */
  responseCache?: 'HIT' | 'MISS' | 'BYPASS';
};
