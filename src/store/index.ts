import { openEmbeddedStore } from './embedded.js';
import { openPostgresStore, type PostgresStoreOptions } from './postgres.js';
import { StoreError, StoreRejection, StoreUnavailableError, type StoreRejectionReason } from './store-error.js';
import type { Store, StoreConfig } from './types.js';

export type * from './types.js';
export type { StoreLogger } from './postgres.js';
export { StoreError, StoreRejection, StoreUnavailableError, type StoreRejectionReason };
export { consumerCursor } from './consumer-queries.js';

/** Extras for `openStore`; today only the postgres engine uses any. */
export type OpenStoreOptions = PostgresStoreOptions;

/**
 * Opens the configured engine, migrated to the current schema. The caller owns
 * the store and must `close()` it (on shutdown, after draining).
 */
export async function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store> {
  switch (config.engine) {
    case 'embedded':
      return openEmbeddedStore(config);
    case 'postgres':
      return openPostgresStore(config, options);
    default: {
      // Unreachable for typed callers; a config that skipped validation lands here.
      const unknownConfig: never = config;
      throw new StoreError(`Unknown store engine "${(unknownConfig as { engine?: unknown }).engine}".`);
    }
  }
}
