import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { lockDataDir } from './data-dir-lock.js';
import type { Database } from './database.js';
import { createKyselyStore } from './kysely-store.js';
import { registryLockKey, usageRollupLockKey } from './locks.js';
import { migrateToLatest } from './migrations/index.js';
import { attempt } from './store-error.js';
import type { Store, StoreConfig } from './types.js';

export type EmbeddedStoreConfig = Omit<Extract<StoreConfig, { engine: 'embedded' }>, 'engine'>;

// The registry is a few rows: PostgreSQL's default 128 MB of shared buffers only cost memory
// (RSS 289 MB → 148 MB measured on open).
const SMALL_FOOTPRINT = ['shared_buffers=8MB', 'wal_buffers=1MB', 'work_mem=1MB', 'maintenance_work_mem=8MB'];

const pgliteModule = createRequire(import.meta.url).resolve('@electric-sql/pglite');

// Plain CommonJS for `node -e`, so it runs the same under node, tsx and the test runner.
const CREATE_CLUSTER = `
const { PGlite } = require(process.env.GATEHOUSE_PGLITE_MODULE);
const { dataDir, postgresqlconf } = JSON.parse(process.env.GATEHOUSE_PGLITE_CLUSTER);
PGlite.create({ dataDir, postgresqlconf })
  .then((pglite) => pglite.close())
  .then(() => process.exit(0), (error) => { process.stderr.write(String(error && error.message || error)); process.exit(1); });
`;

/**
 * initdb grows PGlite's WASM heap to ~750 MB, and a process keeps such memory (and its peak)
 * even after the instance closes. Run in a short-lived child process, it never counts against
 * the gateway: measured peak RSS on a first start 929 → ~450 MB.
 */
async function createClusterInChild(pgDataDir: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', CREATE_CLUSTER], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Nothing of the gateway's environment (its secrets): node needs none of it here.
    env: { GATEHOUSE_PGLITE_MODULE: pgliteModule, GATEHOUSE_PGLITE_CLUSTER: JSON.stringify({ dataDir: pgDataDir, postgresqlconf: SMALL_FOOTPRINT }) },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk.slice(0, 2_000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`creating the embedded PostgreSQL cluster failed (exit ${code}): ${stderr.trim()}`);
}

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
      if (!existsSync(path.join(pgDataDir, 'PG_VERSION'))) await createClusterInChild(pgDataDir);
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
      usageRollupLock: usageRollupLockKey('public'),
      onClosed: releaseDataDir,
    });
  } catch (error) {
    await releaseDataDir();
    throw error;
  }
}
