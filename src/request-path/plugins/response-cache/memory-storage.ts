import { LRUCache } from 'lru-cache';
import type { ResponseCacheStorage } from './storage.js';

interface Entry {
  value: string;
  tags: readonly string[];
}

// JavaScript strings hold two bytes a character; each entry and index slot costs a little more.
const BYTES_PER_CHARACTER = 2;
const ENTRY_OVERHEAD_BYTES = 64;

/**
 * This process's cache: a least-recently-used map bounded by the bytes its entries take (their
 * text, key and tags), entries expiring at their TTL, and the tag index kept in step with it.
 */
export class MemoryStorage implements ResponseCacheStorage {
  readonly shared = false;
  readonly #entries: LRUCache<string, Entry>;
  readonly #byTag = new Map<string, Set<string>>();

  constructor(maxBytes: number) {
    this.#entries = new LRUCache<string, Entry>({
      maxSize: maxBytes,
      sizeCalculation: (entry, key) =>
        (entry.value.length + key.length + entry.tags.reduce((total, tag) => total + tag.length, 0)) * BYTES_PER_CHARACTER + ENTRY_OVERHEAD_BYTES,
      // Evicted, expired or deleted: its index entries go with it. A replaced entry is unindexed in `set`.
      dispose: (entry, key) => this.#unindex(key, entry.tags),
      noDisposeOnSet: true,
    });
  }

  async get(key: string): Promise<string | undefined> {
    return this.#entries.get(key)?.value;
  }

  async set(key: string, value: string, tags: readonly string[], ttlMs: number): Promise<void> {
    const previous = this.#entries.peek(key);
    if (previous) this.#unindex(key, previous.tags);
    this.#entries.set(key, { value, tags }, { ttl: ttlMs });
    // Too large for the whole budget: lru-cache refused it, and nothing is indexed.
    if (!this.#entries.has(key)) return;
    for (const tag of tags) {
      let keys = this.#byTag.get(tag);
      if (!keys) this.#byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  async invalidate(tags: readonly string[]): Promise<number> {
    let removed = 0;
    for (const tag of tags) {
      for (const key of [...(this.#byTag.get(tag) ?? [])]) if (this.#entries.delete(key)) removed++;
    }
    return removed;
  }

  async clear(): Promise<number> {
    const count = this.#entries.size;
    this.#entries.clear();
    this.#byTag.clear();
    return count;
  }

  #unindex(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const keys = this.#byTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.#byTag.delete(tag);
    }
  }
}
