import type { YogaInitialContext } from 'graphql-yoga';
import type { Logger } from '../log.js';
import type { RequestObservation } from '../telemetry/observation.js';

/**
 * What the HTTP layer knows about every request before either GraphQL server sees it. Both
 * servers' contexts extend this one: `GatehouseContext` (the public path) and `AdminContext`.
 */
export interface ServerContext {
  /** Set when the request arrives: every log line of the request carries it. */
  requestId: string;
  log: Logger;
  /**
   * The caller's address, normalised: the connection's peer, or what trusted proxies say it is
   * (`GATEHOUSE_TRUSTED_PROXIES`, see `client-address.ts`). The budget key of anonymous callers.
   */
  clientAddress?: string;
  /** Telemetry on: what the request did so far, for its access line, metrics and span (`telemetry/`). */
  observation?: RequestObservation;
}

/** The GraphQL context shared by both servers: Yoga's own fields plus the server context. */
export type BaseContext = YogaInitialContext & ServerContext;
