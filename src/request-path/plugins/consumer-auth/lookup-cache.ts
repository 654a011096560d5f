import { LRUCache } from 'lru-cache';

export type Lookup<T> = (key: string) => Promise<T | undefined>;

export interface LookupCacheOptions {
  /** How long a found record is reused, in ms. 0: nothing is cached. */
  ttlMs: number;
  /** How long "not found" is reused, in ms. 0: misses are not cached. */
  negativeTtlMs: number;
  /** Entries kept. */
  max: number;
}

/**
 * A store lookup behind a bounded, expiring cache: concurrent misses for one key share one query,
 * and entries can be dropped at once when the record changes (`invalidate`). While the store
 * fails (restarting, unreachable) the last answer read is served even past its TTL, as Kong's
 * `resurrect_ttl` does: refusing every consumer is worse than a short stale view, and a change
 * heard of has dropped its entry, so it is never served stale.
 */
export class LookupCache<T extends object> {
  readonly #load: Lookup<T>;
  readonly #negativeTtlMs: number;
  // lru-cache can't hold `undefined`, so "not found" is stored as `{ value: undefined }`.
  readonly #cache: LRUCache<string, { value: T | undefined }> | undefined;
  readonly #inFlight = new Map<string, Promise<T | undefined>>();
  /** Bumped by every invalidation: a load that began before one must not be cached after it. */
  #epoch = 0;

  constructor(load: Lookup<T>, { ttlMs, negativeTtlMs, max }: LookupCacheOptions) {
    this.#load = load;
    this.#negativeTtlMs = Math.min(negativeTtlMs, ttlMs);
    // Expired entries are kept (until evicted) as the fallback for a failing store.
    this.#cache = ttlMs > 0 ? new LRUCache({ max, ttl: ttlMs, noDeleteOnStaleGet: true }) : undefined;
  }

  get(key: string): Promise<T | undefined> {
    if (!this.#cache) return this.#load(key);
    const hit = this.#cache.get(key);
    if (hit) return Promise.resolve(hit.value);
    let pending = this.#inFlight.get(key);
    if (!pending) {
      const loading = this.#fetch(this.#cache, key);
      const forget = () => {
        if (this.#inFlight.get(key) === loading) this.#inFlight.delete(key);
      };
      loading.then(forget, forget);
      this.#inFlight.set(key, loading);
      pending = loading;
    }
    return pending;
  }

  /** Drops the entries `matches` picks (all of them without it), and forgets loads still running. */
  invalidate(matches?: (key: string, value: T | undefined) => boolean): void {
    this.#epoch++;
    this.#inFlight.clear();
    if (!this.#cache) return;
    if (!matches) return this.#cache.clear();
    // dump() includes expired entries, which the store-failure fallback would otherwise serve.
    for (const [key, entry] of this.#cache.dump()) {
      if (matches(key, entry.value.value)) this.#cache.delete(key);
    }
  }

  async #fetch(cache: LRUCache<string, { value: T | undefined }>, key: string): Promise<T | undefined> {
    const epoch = this.#epoch;
    let value: T | undefined;
    try {
      value = await this.#load(key);
    } catch (error) {
      const stale = cache.get(key, { allowStale: true });
      if (stale) return stale.value;
      throw error;
    }
    if (epoch !== this.#epoch) return value;
    if (value !== undefined) cache.set(key, { value });
    else if (this.#negativeTtlMs > 0) cache.set(key, { value }, { ttl: this.#negativeTtlMs });
    else cache.delete(key);
    return value;
  }
}
