import { openEmbeddedStore } from './embedded.js';
import { openPostgresStore, type PostgresStoreOptions } from './postgres.js';
import type { Store, StoreConfig } from './types.js';

export type * from './types.js';
export type { PostgresStoreOptions as OpenStoreOptions, StoreLogger } from './postgres.js';
export { StoreError } from './store-error.js';

/**
 * Opens the configured engine, migrated to the current schema. The caller owns
 * the store and must `close()` it (on shutdown, after draining).
 */
export async function openStore(config: StoreConfig, options: PostgresStoreOptions = {}): Promise<Store> {
  switch (config.engine) {
    case 'embedded':
      return openEmbeddedStore(config);
    case 'postgres':
      return openPostgresStore(config, options);
  }
}
