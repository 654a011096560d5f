import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { trustedDocumentHash } from '../../consumers/trusted-documents.js';
import { persistedQueryNotFound } from '../../errors.js';
import type { ConsumerChanges } from '../consumer-changes.js';
import type { GatehouseContext, ServerContext } from '../context.js';

export interface TrustedDocumentsOptions {
  /** The registered document with this `sha256:<hex>` hash, if any. */
  getDocument: (hash: string) => Promise<string | undefined>;
  /** Documents (and misses) kept in memory. @default 1000 */
  cacheSize?: number;
  /**
   * How long a found document is reused, in ms: a removed document stops working within this
   * delay (at once when `changes` tells of the removal). @default 60000
   */
  cacheTtlMs?: number;
  /** How long a miss is remembered, in ms: a document registered after a miss works within this delay (or when heard of). @default 1000 */
  missTtlMs?: number;
  /** Trusted documents added or removed on any instance: their cached lookups are dropped. @default none */
  changes?: ConsumerChanges | undefined;
}

const HEX_SHA256 = /^(?:sha256:)?([0-9a-fA-F]{64})$/;

/**
 * The document id a request names, as `sha256:<hex>`: Apollo's
 * `extensions.persistedQuery.sha256Hash` or Hive's `documentId` (bare, with
 * the `sha256:` prefix, or as `app~version~hash`). Undefined for none.
 */
function requestedId(params: { extensions?: Record<string, unknown> | undefined } & Record<string, unknown>): string | undefined {
  const persisted = params.extensions?.['persistedQuery'] as { sha256Hash?: unknown } | undefined;
  const raw = typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : params['documentId'];
  if (typeof raw !== 'string') return undefined;
  const hex = HEX_SHA256.exec(raw.slice(raw.lastIndexOf('~') + 1))?.[1];
  return hex ? `sha256:${hex.toLowerCase()}` : raw;
}

/**
 * Trusted (persisted) documents, before parsing. A request naming a
 * registered id and sending no text runs that document, whatever the plan
 * (Apollo clients' persisted-query link works this way). A consumer whose plan
 * has `trustedDocumentsOnly` may send nothing else: a text whose SHA-256 is not
 * registered, or an unknown id, is refused with `PERSISTED_QUERY_NOT_FOUND`
 * before it is parsed. Lookups go through a bounded LRU; while the store fails, the last document
 * read for a hash is served past its TTL (a removal heard of has dropped it).
 */
export function useTrustedDocuments({
  getDocument,
  cacheSize = 1_000,
  cacheTtlMs = 60_000,
  missTtlMs = 1_000,
  changes,
}: TrustedDocumentsOptions): Plugin<GatehouseContext, ServerContext> {
  // `false` marks a miss: LRUCache can't hold undefined. Expired entries stay (until evicted) as
  // the fallback for a failing store.
  const cache = new LRUCache<string, string | false>({ max: cacheSize, ttl: cacheTtlMs, noDeleteOnStaleGet: true });
  /** Bumped by every change heard of: a lookup that began before one must not be cached after it. */
  let epoch = 0;
  changes?.subscribe(({ what, id }) => {
    if (what !== 'trusted-document' && what !== 'all') return;
    epoch++;
    if (what === 'trusted-document' && id !== undefined) cache.delete(id);
    else cache.clear();
  });

  async function lookup(hash: string): Promise<string | undefined> {
    const cached = cache.get(hash);
    if (cached !== undefined) return cached || undefined;
    const started = epoch;
    let document: string | undefined;
    try {
      document = await getDocument(hash);
    } catch (error) {
      const stale = cache.get(hash, { allowStale: true });
      if (stale !== undefined) return stale || undefined;
      throw error;
    }
    if (started === epoch) cache.set(hash, document ?? false, { ttl: document === undefined ? missTtlMs : cacheTtlMs });
    return document;
  }

  /** A trusted-only plan sends text: it must be exactly a registered document. */
  async function requireRegistered(query: string): Promise<void> {
    const registered = await lookup(trustedDocumentHash(query));
    if (registered !== query) throw persistedQueryNotFound();
  }

  async function resolveId(id: string, trustedOnly: boolean, setQuery: (query: string) => void): Promise<void> {
    const document = await lookup(id);
    if (document === undefined) {
      throw trustedOnly ? persistedQueryNotFound() : persistedQueryNotFound('No trusted document is registered with this hash.');
    }
    setQuery(document);
  }

  return {
    // Synchronous unless a lookup is needed: a promise here sends every later onParams hook down
    // the slower asynchronous path.
    onParams({ params, setParams, context }) {
      const trustedOnly = (context as Partial<GatehouseContext>).consumer?.plan.trustedDocumentsOnly === true;
      if (typeof params.query === 'string') {
        // The text decides, not an id sent with it.
        return trustedOnly ? requireRegistered(params.query) : undefined;
      }
      const id = requestedId(params as Parameters<typeof requestedId>[0]);
      if (id === undefined) return;
      return resolveId(id, trustedOnly, (query) => setParams({ ...params, query }));
    },
  };
}
