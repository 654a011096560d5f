import { LRUCache } from 'lru-cache';
import type { ConsumerRecord, ConsumerStore, KeyOwner, PlanRecord } from '../../../consumers/types.js';

/** The store lookups authentication needs, and nothing else. */
export type ConsumerLookupStore = Pick<ConsumerStore, 'findKeyOwner' | 'getConsumer' | 'getPlan'>;

export interface ConsumerResolverOptions {
  store: ConsumerLookupStore;
  /**
   * How long a key, consumer or plan read from the store is reused, in ms. This is the documented
   * delay before a revocation, a disabled consumer or a plan change takes effect. 0 disables caching.
   * @default 2000
   */
  cacheTtlMs?: number;
  /** How long "not found" is reused, in ms (capped at `cacheTtlMs`). Keeps floods of bogus keys off the store. @default 500 */
  negativeCacheTtlMs?: number;
  /** Entries kept per cache (keys, consumers, plans). @default 10000 */
  cacheSize?: number;
}

export interface ConsumerWithPlan {
  consumer: ConsumerRecord;
  plan: PlanRecord;
}

type Lookup<T> = (key: string) => Promise<T | undefined>;

/**
 * The store as the request path reads it: behind short-lived caches, with concurrent misses for
 * the same key sharing one query. Entries are returned whatever their state (revoked, expired,
 * disabled): those checks depend on the time of the request, not of the lookup.
 */
export class ConsumerResolver {
  /** By SHA-256 of the key: the plaintext is never a cache key. */
  readonly keyOwner: Lookup<KeyOwner>;
  /** By consumer name (what a JWT's consumer claim holds). */
  readonly consumerByName: Lookup<ConsumerWithPlan>;
  readonly planByName: Lookup<PlanRecord>;

  constructor({ store, cacheTtlMs = 2_000, negativeCacheTtlMs = 500, cacheSize = 10_000 }: ConsumerResolverOptions) {
    const cached = <T extends object>(load: Lookup<T>) =>
      cachedLookup(load, { ttlMs: cacheTtlMs, negativeTtlMs: Math.min(negativeCacheTtlMs, cacheTtlMs), max: cacheSize });
    this.keyOwner = cached((keyHash) => store.findKeyOwner(keyHash));
    this.consumerByName = cached(async (name) => {
      const consumer = await store.getConsumer({ name });
      if (!consumer) return undefined;
      const plan = await store.getPlan({ id: consumer.planId });
      // A consumer always has a plan (foreign key); without one it can't be served.
      return plan && { consumer, plan };
    });
    this.planByName = cached((name) => store.getPlan({ name }));
  }
}

function cachedLookup<T extends object>(
  load: Lookup<T>,
  { ttlMs, negativeTtlMs, max }: { ttlMs: number; negativeTtlMs: number; max: number },
): Lookup<T> {
  if (ttlMs <= 0) return load;
  // lru-cache can't hold `undefined`, so "not found" is stored as `{ value: undefined }`.
  const cache = new LRUCache<string, { value: T | undefined }>({
    max,
    ttl: ttlMs,
    async fetchMethod(key, _stale, { options }) {
      const value = await load(key);
      if (value === undefined) {
        // Returning undefined stores nothing.
        if (negativeTtlMs <= 0) return undefined;
        options.ttl = negativeTtlMs;
      }
      return { value };
    },
  });
  // A rejected fetch is not cached: the next request asks the store again.
  return async (key) => (await cache.fetch(key))?.value;
}
