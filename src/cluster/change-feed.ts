/**
 * What one Gatehouse instance tells the others that share its store: the registry changed (serve
 * the new version), a consumer's credentials or plan changed (drop cached lookups), cached
 * responses are stale. One instance alone uses `LocalChangeFeed`; instances sharing a PostgreSQL
 * store use its LISTEN/NOTIFY. Events are hints to re-read the store, never the data itself, so a
 * lost event costs only time: every listener also catches up on `onReconnect` and by polling.
 */
export type ClusterEvent =
  | { type: 'registry-changed'; version: number }
  | { type: 'consumers-changed'; what: 'api-key' | 'consumer' | 'plan' | 'trusted-document'; id?: string; name?: string }
  | { type: 'cache-invalidated'; scope: 'all' | 'type' | 'entity'; typeName?: string; key?: string }
  /** The admin API's response cache policies changed: re-read them from the store. */
  | { type: 'cache-policies-changed' };

export type ClusterEventListener = (event: ClusterEvent) => void;

export interface ChangeFeed {
  /** Tells every instance, this one included. Resolves once the event is sent (not delivered). */
  publish(event: ClusterEvent): Promise<void>;
  subscribe(listener: ClusterEventListener): () => void;
  /** Called after the feed lost its connection and got it back: events may have been missed. */
  onReconnect(listener: () => void): () => void;
  close(): Promise<void>;
}

/** The feed of a single instance: events go to this process's listeners only. */
export class LocalChangeFeed implements ChangeFeed {
  readonly #listeners = new Set<ClusterEventListener>();

  async publish(event: ClusterEvent): Promise<void> {
    for (const listener of this.#listeners) listener(event);
  }

  subscribe(listener: ClusterEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onReconnect(): () => void {
    // Nothing to lose in-process.
    return () => {};
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
