import type { ChangeFeed, ClusterEvent } from '../../../cluster/change-feed.js';
import type { CacheScope } from '../../../graph/cache-hints.js';
import type { Logger } from '../../../log.js';
import type { ResponseEntities } from './entity-markers.js';
import type { CachePolicyBook } from './policy-book.js';
import type { ResponseCacheStorage } from './storage.js';
import { entityInvalidationTags, typeTag } from './tags.js';

/** One cached answer: its data (never errors: answers with errors are not cached) and its policy. */
export interface CachedAnswer {
  data: Record<string, unknown>;
  /** When it was stored, in ms since the epoch: the `Age` of a hit. */
  storedAt: number;
  maxAgeSeconds: number;
  scope: CacheScope;
}

export interface ResponseCacheOptions {
  storage: ResponseCacheStorage;
  /** Invalidations and policy changes, to and from the other instances (the local feed alone). */
  feed: ChangeFeed;
  policies: CachePolicyBook;
  log: Logger;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
}

// A storage that is down (Redis) fails every request: one warning per interval, not one per request.
const WARNING_INTERVAL_MS = 10_000;

/**
 * The response cache as the request path and the admin API use it: reads and writes that never
 * fail a request (a storage failure is a miss, logged), invalidations of entities and types, and
 * purges. With a storage of this instance's own (memory), every invalidation is also published on
 * the change feed and applied by each instance that receives it; with a shared one (Redis) the
 * one invalidation reaches every instance.
 */
export class ResponseCache {
  readonly policies: CachePolicyBook;
  readonly #storage: ResponseCacheStorage;
  readonly #feed: ChangeFeed;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #unsubscribe: Array<() => void> = [];
  #warnedAt = -Infinity;

  constructor({ storage, feed, policies, log, now = Date.now }: ResponseCacheOptions) {
    this.#storage = storage;
    this.#feed = feed;
    this.policies = policies;
    this.#log = log.child({ component: 'response-cache' });
    this.#now = now;
  }

  get now(): () => number {
    return this.#now;
  }

  /** Reads the policies and starts following the other instances' changes. */
  async start(): Promise<void> {
    this.#unsubscribe.push(
      this.#feed.subscribe((event) => void this.#onEvent(event)),
      this.#feed.onReconnect(() => void this.#onReconnect()),
    );
    await this.policies.reload();
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  async read(key: string): Promise<CachedAnswer | undefined> {
    try {
      const text = await this.#storage.get(key);
      // Redis holds what any client with access wrote: an entry that does not parse is a miss too.
      return text === undefined ? undefined : (JSON.parse(text) as CachedAnswer);
    } catch (error) {
      this.#degraded(error, 'response cache read failed; answering as a miss');
      return undefined;
    }
  }

  /** Resolves once stored (or once storing failed, which is logged): a request after it finds the entry. */
  async write(key: string, answer: CachedAnswer, tags: readonly string[]): Promise<void> {
    try {
      await this.#storage.set(key, JSON.stringify(answer), tags, answer.maxAgeSeconds * 1_000);
    } catch (error) {
      this.#degraded(error, 'response cache write failed; the answer is not cached');
    }
  }

  /**
   * What a mutation returned is stale wherever it is cached: each entity by its key, and every
   * answer holding a type whose objects came back without a key (or that has none).
   */
  async invalidateReturned(returned: ResponseEntities): Promise<void> {
    const byType = [...returned.typeNames].filter((typeName) => !returned.entities.has(typeName) || returned.unkeyed.has(typeName));
    const events: ClusterEvent[] = [
      ...[...returned.entities].flatMap(([typeName, keys]) => [...keys].map((key): ClusterEvent => ({ type: 'cache-invalidated', scope: 'entity', typeName, key }))),
      ...byType.map((typeName): ClusterEvent => ({ type: 'cache-invalidated', scope: 'type', typeName })),
    ];
    if (!events.length) return;
    const tags = [...[...returned.entities].flatMap(([typeName, keys]) => entityInvalidationTags(typeName, keys)), ...byType.map(typeTag)];
    try {
      await this.#invalidate(tags, events);
    } catch (error) {
      this.#degraded(error, 'response cache invalidation failed; stale answers may be served until they expire');
    }
  }

  /** Admin: everything. Resolves with the entries removed from this instance's storage (or Redis). */
  purgeAll(): Promise<number> {
    return this.#purge(() => this.#storage.clear(), { type: 'cache-invalidated', scope: 'all' });
  }

  /** Admin: every answer holding an object of `typeName`. */
  purgeType(typeName: string): Promise<number> {
    return this.#invalidate([typeTag(typeName)], [{ type: 'cache-invalidated', scope: 'type', typeName }]);
  }

  /** Admin: every answer holding the entity of `typeName` with one of these canonical keys. */
  purgeEntity(typeName: string, canonicalKeys: readonly string[]): Promise<number> {
    return this.#invalidate(
      entityInvalidationTags(typeName, canonicalKeys),
      canonicalKeys.map((key) => ({ type: 'cache-invalidated', scope: 'entity', typeName, key })),
    );
  }

  /**
   * Admin: a policy was set or removed. Policies are read again here and, through the feed,
   * everywhere. Nothing needs purging: an operation whose policy changed has new keys (the policy
   * is part of the key), and what was cached under the old one is never read again.
   */
  async policiesChanged(): Promise<void> {
    await this.policies.reload();
    await this.#feed.publish({ type: 'cache-policies-changed' });
  }

  async #invalidate(tags: readonly string[], events: readonly ClusterEvent[]): Promise<number> {
    return this.#purge(() => this.#storage.invalidate(tags), ...events);
  }

  /** Applied here at once (so this instance's next request sees it), then told to the others. */
  async #purge(apply: () => Promise<number>, ...events: ClusterEvent[]): Promise<number> {
    const removed = await apply();
    if (!this.#storage.shared) for (const event of events) await this.#feed.publish(event);
    return removed;
  }

  async #onEvent(event: ClusterEvent): Promise<void> {
    try {
      if (event.type === 'cache-policies-changed') {
        await this.policies.reload();
        return;
      }
      // A shared storage was invalidated by whoever published the event.
      if (event.type !== 'cache-invalidated' || this.#storage.shared) return;
      if (event.scope === 'all') await this.#storage.clear();
      else if (event.scope === 'type' && event.typeName) await this.#storage.invalidate([typeTag(event.typeName)]);
      else if (event.scope === 'entity' && event.typeName && event.key) await this.#storage.invalidate(entityInvalidationTags(event.typeName, [event.key]));
    } catch (error) {
      this.#log.warn({ err: error, event: event.type }, 'response cache could not apply a change from another instance');
    }
  }

  /** Events may have been missed while the feed was away: policies are read again, a local cache is dropped. */
  async #onReconnect(): Promise<void> {
    try {
      await this.policies.reload();
      if (!this.#storage.shared) await this.#storage.clear();
    } catch (error) {
      this.#log.warn({ err: error }, 'response cache could not catch up after the change feed reconnected');
    }
  }

  #degraded(error: unknown, message: string): void {
    const at = this.#now();
    if (at - this.#warnedAt < WARNING_INTERVAL_MS) return;
    this.#warnedAt = at;
    this.#log.warn({ err: error }, message);
  }
}
