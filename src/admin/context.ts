import type { ChangeFeed } from '../cluster/change-feed.js';
import type { BaseContext } from '../http/context.js';
import type { ServedGraph } from '../graph/generation.js';
import type { Registry } from '../graph/registry.js';
import type { Store } from '../store/types.js';

/** The response cache as the admin API drives it (`ResponseCache` on the request path). */
export interface ResponseCacheControl {
  /** A policy was set or removed: read the policies again, here and on every instance. */
  policiesChanged(): Promise<void>;
  /** Each resolves with the entries removed from this instance's storage (or from Redis, for all). */
  purgeAll(): Promise<number>;
  purgeType(typeName: string): Promise<number>;
  purgeEntity(typeName: string, canonicalKeys: readonly string[]): Promise<number>;
}

/** What the admin resolvers need besides the request itself. */
export interface AdminDependencies {
  /** Undefined when the response cache is off (`GATEHOUSE_RESPONSE_CACHE=false`): purges remove nothing. */
  responseCache: ResponseCacheControl | undefined;
  /** Undefined in static supergraph mode, where the registry is read-only. */
  registry: Registry | undefined;
  store: Store;
  served: ServedGraph;
  /** Where consumer changes are announced to every instance (see `announce.ts`). */
  changes: Pick<ChangeFeed, 'publish'>;
  /** Checks a backend URL against the address rules (syntax, DNS, private ranges); throws BAD_USER_INPUT. */
  validateBackendUrl: (url: string, field?: string) => Promise<void>;
}

/** Context of an admin operation: it has passed the admin token check. */
export type AdminContext = BaseContext & AdminDependencies;
