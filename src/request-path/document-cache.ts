import { LRUCache } from 'lru-cache';
import type { DocumentNode } from 'graphql';

export interface DocumentCacheOptions {
  /** Documents and parse errors kept, together. @default 1000 */
  maxEntries?: number;
  /** Estimated memory of everything kept, in bytes (see `estimatedBytes`). @default 67108864 (64 MiB) */
  maxBytes?: number;
}

/** The `get`/`set` pair Yoga's parser cache asks for. */
export interface TextKeyedCache<T> {
  get(text: string): T | undefined;
  set(text: string, value: T): void;
}

export interface ParseCaches {
  /** Parsed documents, by text. */
  documentCache: TextKeyedCache<DocumentNode>;
  /** Parse errors (syntax, token or shape limits), by text, so a refused text isn't parsed again. */
  errorCache: TextKeyedCache<Error>;
  /** Estimated bytes held now, both kinds together. */
  readonly bytes: number;
  /** Entries held now, both kinds together. */
  readonly size: number;
}

// Measured with graphql-js 16: a parsed document takes 330–520 bytes of heap per lexical token
// (the token list, the nodes and their locations), on top of its text, which the AST references.
const BYTES_PER_TOKEN = 512;
// Yoga's own parser cache default: an entry not asked for in an hour is dropped.
const TTL_MS = 3_600_000;

/**
 * What a cached entry costs: its text (the key, which the AST's `loc.source` keeps as well) plus,
 * for a parsed document, its tokens. Bounding by the text alone would let a thousand small,
 * dense documents pin a hundred times their size, and by entries alone a thousand 1 MB ones a
 * gigabyte.
 */
export function estimatedBytes(text: string, value: DocumentNode | Error): number {
  let tokens = 0;
  for (let token = value instanceof Error ? null : (value.loc?.startToken ?? null); token; token = token.next) tokens++;
  return Buffer.byteLength(text) + tokens * BYTES_PER_TOKEN;
}

/**
 * Yoga's parse caches (documents, and errors) as one least-recently-used cache keyed by document
 * text, so one budget bounds both, by entries and by estimated bytes. An entry bigger than the
 * whole budget is not kept at all.
 */
export function createParseCaches({ maxEntries = 1_000, maxBytes = 67_108_864 }: DocumentCacheOptions = {}): ParseCaches {
  if (maxEntries === 0 || maxBytes === 0) {
    const none = { get: () => undefined, set: () => undefined };
    return { documentCache: none, errorCache: none, bytes: 0, size: 0 };
  }
  const lru = new LRUCache<string, DocumentNode | Error>({
    max: maxEntries,
    maxSize: maxBytes,
    sizeCalculation: (value, text) => estimatedBytes(text, value),
    ttl: TTL_MS,
  });
  return {
    documentCache: {
      get(text) {
        const value = lru.get(text);
        return value instanceof Error ? undefined : value;
      },
      set: (text, document) => void lru.set(text, document),
    },
    errorCache: {
      get(text) {
        const value = lru.get(text);
        return value instanceof Error ? value : undefined;
      },
      set: (text, error) => void lru.set(text, error),
    },
    get bytes() {
      return lru.calculatedSize;
    },
    get size() {
      return lru.size;
    },
  };
}
