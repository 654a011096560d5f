import type { ChangeFeed } from '../cluster/change-feed.js';
import type { BaseContext } from '../http/context.js';
import type { ServedGraph } from '../graph/generation.js';
import type { Registry } from '../graph/registry.js';
import type { Store } from '../store/types.js';

/** What the admin resolvers need besides the request itself. */
export interface AdminDependencies {
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
