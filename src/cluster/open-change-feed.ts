import type { GatehouseConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import { LocalChangeFeed, type ChangeFeed } from './change-feed.js';
import { PostgresChangeFeed } from './postgres-change-feed.js';

/**
 * The change feed of the configured store: LISTEN/NOTIFY when instances share a PostgreSQL schema,
 * in-process otherwise (an embedded data dir is locked by one instance). Resolves once it listens,
 * or once the first attempt failed (it then keeps trying by itself).
 */
export async function openChangeFeed(store: GatehouseConfig['store'], log: Logger): Promise<ChangeFeed> {
  if (store.engine === 'embedded') return new LocalChangeFeed();
  const feed = new PostgresChangeFeed({ connectionString: store.connectionString, schema: store.schema, log });
  await feed.start();
  return feed;
}
