import type { YogaInitialContext } from 'graphql-yoga';
import type { Logger } from '../log.js';

/** Server context handed to Yoga by the HTTP layer. */
export interface ServerContext {
  /** Set when the request arrives: every log line of the request carries it. */
  requestId: string;
  log: Logger;
}

/** The one context shape of the request path. Plugins that add to it declare their fields here. */
export type GatehouseContext = YogaInitialContext & ServerContext;
