/**
 * Where cached answers live, with an index from tags (a type, an entity, see `tags.ts`) to the
 * answers that hold them, as envelop's response-cache `Cache` has (`set` with entities, `get`,
 * `invalidate`). Values are the serialised entries: what is stored can't be changed by whoever
 * reads it. Every method may reject (Redis down); the response cache turns that into a miss.
 */
export interface ResponseCacheStorage {
  /** Every instance reads and writes the same storage (Redis): invalidations need not travel. */
  readonly shared: boolean;
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlMs` and indexes it under `tags`. */
  set(key: string, value: string, tags: readonly string[], ttlMs: number): Promise<void>;
  /** Removes every entry indexed under one of `tags`; resolves with how many there were. */
  invalidate(tags: readonly string[]): Promise<number>;
  /** Removes everything; resolves with how many entries there were. */
  clear(): Promise<number>;
}
