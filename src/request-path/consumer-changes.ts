/**
 * A change to plans, consumers, API keys or trusted documents, made on this instance or another.
 * `id`/`name` say which record; without either, every record of its kind may have changed;
 * `all`: anything may have (notifications were lost while the feed was disconnected).
 */
export interface ConsumerChange {
  what: 'api-key' | 'consumer' | 'plan' | 'trusted-document' | 'all';
  id?: string | undefined;
  name?: string | undefined;
}

/**
 * Where the request path's caches hear of such changes: the cluster's change feed, adapted in
 * `gatehouse.ts` (the request path imports neither the store nor the cluster). Without it, cached
 * lookups expire by their TTL alone.
 */
export interface ConsumerChanges {
  /** Calls `listener` on every change; returns the function that stops it. */
  subscribe(listener: (change: ConsumerChange) => void): () => void;
}
