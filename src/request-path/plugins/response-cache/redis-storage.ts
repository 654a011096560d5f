import type { Redis } from 'ioredis';
import type { ResponseCacheStorage } from './storage.js';

// Removes every entry a tag set names, then the set; KEYS are the tag sets. Entry keys are read
// from the sets, so this needs a single Redis (or sentinel), not a cluster.
const INVALIDATE = `
local removed = 0
for _, tag in ipairs(KEYS) do
  local members = redis.call('SMEMBERS', tag)
  for first = 1, #members, 500 do
    removed = removed + redis.call('UNLINK', unpack(members, first, math.min(first + 499, #members)))
  end
  redis.call('UNLINK', tag)
end
return removed
`;

const SCAN_BATCH = 1_000;

/**
 * The cache shared by every instance on one Redis: each entry under `<prefix>cache:entry:<key>`
 * with its TTL, and per tag a set of entry keys (`<prefix>cache:tag:<tag>`) that expires with its
 * longest-lived entry, so an invalidation on any instance removes the entry for all. Redis bounds
 * the memory (its `maxmemory` policy); Gatehouse does not. Needs Redis 7 (`PEXPIRE … NX | GT`).
 */
export class RedisStorage implements ResponseCacheStorage {
  readonly shared = true;
  readonly #redis: Redis;
  readonly #entryPrefix: string;
  readonly #tagPrefix: string;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = `${prefix}cache:`;
    this.#entryPrefix = `${this.#prefix}entry:`;
    this.#tagPrefix = `${this.#prefix}tag:`;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#redis.get(this.#entryPrefix + key)) ?? undefined;
  }

  async set(key: string, value: string, tags: readonly string[], ttlMs: number): Promise<void> {
    const entryKey = this.#entryPrefix + key;
    const transaction = this.#redis.multi().set(entryKey, value, 'PX', ttlMs);
    for (const tag of tags) {
      const tagKey = this.#tagPrefix + tag;
      // A new set gets the entry's TTL (NX); an existing one is extended to it when that is longer (GT).
      transaction.sadd(tagKey, entryKey).pexpire(tagKey, ttlMs, 'NX').pexpire(tagKey, ttlMs, 'GT');
    }
    const results = await transaction.exec();
    const failed = results?.find(([error]) => error !== null);
    if (!results || failed) throw failed?.[0] ?? new Error('The Redis transaction was discarded.');
  }

  async invalidate(tags: readonly string[]): Promise<number> {
    if (!tags.length) return 0;
    // EVAL rather than a cached script: invalidations come with mutations and purges, not every request.
    const removed = await this.#redis.eval(INVALIDATE, tags.length, ...tags.map((tag) => this.#tagPrefix + tag));
    return Number(removed);
  }

  async clear(): Promise<number> {
    let cursor = '0';
    let entries = 0;
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', `${escapeGlob(this.#prefix)}*`, 'COUNT', SCAN_BATCH);
      cursor = next;
      if (keys.length) {
        entries += keys.filter((key) => key.startsWith(this.#entryPrefix)).length;
        await this.#redis.unlink(...keys);
      }
    } while (cursor !== '0');
    return entries;
  }
}

/** A prefix as a literal in a SCAN pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
