import type { YogaLogger } from 'graphql-yoga';
import type { Logger } from '../log.js';

/** Routes Yoga's own log calls to pino, under a component tag. */
export function yogaLogger(log: Logger): YogaLogger {
  const child = log.child({ component: 'yoga' });
  return {
    debug: (...args: unknown[]) => child.debug({ args }, 'yoga'),
    info: (...args: unknown[]) => child.info({ args }, 'yoga'),
    warn: (...args: unknown[]) => child.warn({ args }, 'yoga'),
    error: (...args: unknown[]) => child.error({ err: args[0], args: args.slice(1) }, 'yoga error'),
  };
}
