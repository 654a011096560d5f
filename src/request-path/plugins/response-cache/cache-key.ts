import { createHash } from 'node:crypto';
import { print, type DocumentNode } from 'graphql';
import type { CacheScope } from '../../../graph/cache-hints.js';
import type { Generation } from '../../../graph/generation.js';
import type { ConsumerIdentity } from '../../context.js';

// Parsed documents are reused per query text (the parse cache) and field authorization keeps one
// redacted document per set of refused fields: hashing per document object is once per variant.
const documentHashes = new WeakMap<DocumentNode, string>();

function documentHash(document: DocumentNode): string {
  let hash = documentHashes.get(document);
  if (!hash) {
    hash = createHash('sha256').update(print(document)).digest('hex');
    documentHashes.set(document, hash);
  }
  return hash;
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` are the same variables. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
}

export interface CacheKeyInput {
  generation: Generation;
  /** The document as it will run: after field authorization took out what the caller may not see. */
  document: DocumentNode;
  operationName: string | null | undefined;
  variables: unknown;
  /** The operation's policy: answers cached under another one (before an admin changed it) are not this one's. */
  maxAgeSeconds: number;
  scope: CacheScope;
  consumer: ConsumerIdentity | undefined;
}

/**
 * The key of an answer: the schema (version and supergraph hash), the document, operation and
 * variables, the operation's policy, and whatever changes the answer for this caller: whether it
 * is authenticated and its scopes (field authorization, and backends told the scopes, answer by
 * them), and for `PRIVATE` answers the consumer itself. Undefined for a `PRIVATE` answer to an
 * anonymous caller, which is never cached: anonymous callers are nobody in particular.
 */
export function cacheKeyOf({ generation, document, operationName, variables, maxAgeSeconds, scope, consumer }: CacheKeyInput): string | undefined {
  const authenticated = consumer !== undefined && consumer.via !== 'anonymous' && consumer.consumerId !== null;
  if (scope === 'PRIVATE' && !authenticated) return undefined;
  const scopes = consumer?.scopes.length ? [...new Set(consumer.scopes)].sort().join(' ') : '';
  const parts = [
    `v${generation.version}:${generation.supergraphHash}`,
    documentHash(document),
    operationName ?? '',
    stableJson(variables ?? {}),
    `${maxAgeSeconds}s`,
    authenticated ? 'authenticated' : 'anonymous',
    scopes,
    scope === 'PRIVATE' ? `consumer:${consumer!.consumerId}` : 'public',
  ];
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}
