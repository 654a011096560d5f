import type { ConsumerRecord, ConsumerStore, KeyOwner, PlanRecord } from '../../../consumers/types.js';
import type { ConsumerChange, ConsumerChanges } from '../../consumer-changes.js';
import { LookupCache, type Lookup } from './lookup-cache.js';

/** The store lookups authentication needs, and nothing else. */
export type ConsumerLookupStore = Pick<ConsumerStore, 'findKeyOwner' | 'getConsumer' | 'getPlan'>;

export interface ConsumerResolverOptions {
  store: ConsumerLookupStore;
  /**
   * How long a key, consumer or plan read from the store is reused, in ms. With `changes`, a
   * change drops the entries it concerns at once and this is only the bound for a notification
   * that was lost; without, it is the delay before a revocation, a disabled consumer or a plan
   * change takes effect. 0 disables caching.
   * @default 2000
   */
  cacheTtlMs?: number;
  /** How long "not found" is reused, in ms (capped at `cacheTtlMs`). Keeps floods of bogus keys off the store. @default 500 */
  negativeCacheTtlMs?: number;
  /** Entries kept per cache (keys, consumers, plans). @default 10000 */
  cacheSize?: number;
  /** Changes made on any instance: the cached lookups they concern are dropped when heard of. @default none */
  changes?: ConsumerChanges | undefined;
}

export interface ConsumerWithPlan {
  consumer: ConsumerRecord;
  plan: PlanRecord;
}

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
  readonly #keys: LookupCache<KeyOwner>;
  readonly #consumers: LookupCache<ConsumerWithPlan>;
  readonly #plans: LookupCache<PlanRecord>;

  constructor({ store, cacheTtlMs = 2_000, negativeCacheTtlMs = 500, cacheSize = 10_000, changes }: ConsumerResolverOptions) {
    const options = { ttlMs: cacheTtlMs, negativeTtlMs: negativeCacheTtlMs, max: cacheSize };
    this.#keys = new LookupCache((keyHash) => store.findKeyOwner(keyHash), options);
    this.#consumers = new LookupCache(async (name) => {
      const consumer = await store.getConsumer({ name });
      if (!consumer) return undefined;
      const plan = await store.getPlan({ id: consumer.planId });
      // A consumer always has a plan (foreign key); without one it can't be served.
      return plan && { consumer, plan };
    }, options);
    this.#plans = new LookupCache((name) => store.getPlan({ name }), options);
    this.keyOwner = (keyHash) => this.#keys.get(keyHash);
    this.consumerByName = (name) => this.#consumers.get(name);
    this.planByName = (name) => this.#plans.get(name);
    changes?.subscribe((change) => this.invalidate(change));
  }

  /** Drops what `change` makes stale: the records it names, and every cached lookup that embeds them. */
  invalidate({ what, id, name }: ConsumerChange): void {
    if (what === 'trusted-document') return;
    if (what === 'all' || (id === undefined && name === undefined)) {
      this.#keys.invalidate();
      this.#consumers.invalidate();
      this.#plans.invalidate();
      return;
    }
    // A key owner carries its consumer and plan, a consumer lookup its plan: both go with them.
    const named = (record: { id: string; name: string }) => record.id === id || record.name === name;
    switch (what) {
      case 'api-key':
        this.#keys.invalidate((_hash, owner) => owner?.key.id === id);
        return;
      case 'consumer':
        this.#keys.invalidate((_hash, owner) => owner !== undefined && named(owner.consumer));
        // By key too: a consumer created under that name replaces a cached "not found".
        this.#consumers.invalidate((key, found) => key === name || (found !== undefined && named(found.consumer)));
        return;
      case 'plan':
        this.#keys.invalidate((_hash, owner) => owner !== undefined && named(owner.plan));
        this.#consumers.invalidate((_name, found) => found !== undefined && named(found.plan));
        this.#plans.invalidate((key, plan) => key === name || (plan !== undefined && named(plan)));
        return;
    }
  }
}
