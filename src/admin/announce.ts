import type { ClusterEvent } from '../cluster/change-feed.js';
import type { AdminContext } from './context.js';

export type ConsumerChangeEvent = Omit<Extract<ClusterEvent, { type: 'consumers-changed' }>, 'type'>;

/**
 * Tells every instance (this one too) that a plan, consumer, key or trusted document changed, once
 * the store has it, so their lookup caches drop it at once. The write stands whatever happens
 * here: an instance that misses the event sees the change when its cache entry expires
 * (`GATEHOUSE_API_KEY_CACHE_TTL_MS`), so a failure to announce is logged, not returned.
 */
export async function announceConsumerChange({ changes, log }: AdminContext, change: ConsumerChangeEvent): Promise<void> {
  try {
    await changes.publish({ type: 'consumers-changed', ...change });
  } catch (error) {
    log.warn({ err: error, what: change.what }, 'consumer change not announced; other instances see it when their cache entry expires');
  }
}
