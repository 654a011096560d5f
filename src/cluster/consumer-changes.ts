import type { ChangeFeed, ClusterEvent } from './change-feed.js';

/**
 * A change to plans, consumers, API keys or trusted documents, as the request path's caches hear
 * of it. Without `id` and `name` it concerns every record of its kind; `all`: anything may have
 * changed (the feed was disconnected and notifications may be lost).
 */
export type ConsumerChange = Omit<Extract<ClusterEvent, { type: 'consumers-changed' }>, 'type'> | { what: 'all' };

/** The feed's consumer events, and a reconnection as `{ what: 'all' }`; returns the unsubscribe function. */
export function subscribeConsumerChanges(feed: ChangeFeed, listener: (change: ConsumerChange) => void): () => void {
  const stopEvents = feed.subscribe((event) => {
    if (event.type === 'consumers-changed') listener({ what: event.what, id: event.id, name: event.name });
  });
  const stopReconnects = feed.onReconnect(() => listener({ what: 'all' }));
  return () => {
    stopEvents();
    stopReconnects();
  };
}
