import type { Logger } from '../log.js';
import { isBlockedAddressError } from './guarded-agent.js';

/** Why a request to a backend got no answer. */
export type TransportFailure = 'timeout' | 'blocked' | 'closing' | 'unreachable';

/**
 * Classifies a failed backend request and logs it once, at the level it deserves: a timeout, an
 * address the private-address guard refused and an unreachable backend are `warn` (degraded but
 * serving); a request cut off because the gateway is shutting down (its pool closed) is `debug`.
 */
export function transportFailure(error: unknown, signal: AbortSignal, log: Logger, timeoutMs: number): TransportFailure {
  if (signal.aborted) {
    log.warn({ timeoutMs }, 'backend timed out');
    return 'timeout';
  }
  if (isBlockedAddressError(error)) {
    log.warn('backend address refused by the private-address guard');
    return 'blocked';
  }
  if ((error as { code?: unknown } | null)?.code === 'UND_ERR_CLOSED') {
    log.debug('backend request dropped: the gateway is shutting down');
    return 'closing';
  }
  log.warn({ err: error }, 'backend unreachable');
  return 'unreachable';
}
