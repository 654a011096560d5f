import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { lockDataDir } from './data-dir-lock.js';
import type { Database } from './database.js';
import { createKyselyStore } from './kysely-store.js';
import { registryLockKey } from './locks.js';
import { migrateToLatest } from './migrations/index.js';
import { attempt } from './store-error.js';
import type { Store, StoreConfig } from './types.js';

export type EmbeddedStoreConfig = Omit<Extract<StoreConfig, { engine: 'embedded' }>, 'engine'>;

// The registry is a few rows: PostgreSQL's default 128 MB of shared buffers only cost memory
// (RSS 289 MB → 148 MB measured on open).
const SMALL_FOOTPRINT = ['shared_buffers=8MB', 'wal_buffers=1MB', 'work_mem=1MB', 'maintenance_work_mem=8MB'];

/**
 * PostgreSQL (PGlite, in WASM) in `<dataDir>/pg`. Leaving the rest of
 * `dataDir` free lets other state (and the lock file) sit beside it.
 *
 * Durability: PGlite's node filesystem writes through to the host with
 * synchronous write(2) calls, and a commit writes its WAL before the query
 * returns, so an acknowledged write survives the process being killed. PGlite
 * starts PostgreSQL with fsync off and its filesystem has no fsync, so it does
 * not survive the machine losing power; deployments that need that use the
 * postgres engine.
 *
 * PGlite has one connection: kysely-pglite-dialect queues every acquisition,
 * so concurrent calls wait their turn (a registry transaction holds the
 * connection until it commits).
 */
export async function openEmbeddedStore({ dataDir }: EmbeddedStoreConfig): Promise<Store> {
  const what = `open the embedded store in ${dataDir}`;
  const releaseDataDir = await attempt(what, async () => {
    await mkdir(dataDir, { recursive: true });
    return lockDataDir(dataDir);
  });
  try {
    const db = await attempt(what, async () => {
      const pgDataDir = path.join(dataDir, 'pg');
      if (!existsSync(path.join(pgDataDir, 'PG_VERSION'))) {
        // initdb grows PGlite's WASM heap to ~750 MB, which the instance keeps: create the cluster
        // with a throwaway instance so the one that serves starts small (RSS ~800 → ~300 MB).
        await (await PGlite.create({ dataDir: pgDataDir, postgresqlconf: SMALL_FOOTPRINT })).close();
      }
      const pglite = await PGlite.create({ dataDir: pgDataDir, postgresqlconf: SMALL_FOOTPRINT });
      return new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    });
    try {
      await attempt(what, () => migrateToLatest(db));
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return createKyselyStore(db, {
      engine: 'embedded',
      registryLock: registryLockKey('public'),
      onClosed: releaseDataDir,
    });
  } catch (error) {
    await releaseDataDir();
    throw error;
  }
}
