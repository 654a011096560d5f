import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { createKyselyStore } from './kysely-store.js';
import { migrationLockKey, registryLockKey, usageRollupLockKey } from './locks.js';
import { migrateToLatest } from './migrations/index.js';
import { attempt, StoreError } from './store-error.js';
import type { Store, StoreConfig } from './types.js';

export type PostgresStoreConfig = Omit<Extract<StoreConfig, { engine: 'postgres' }>, 'engine'>;

/** What the postgres engine may report while serving; pino's `Logger` fits. */
export interface StoreLogger {
  warn(details: object, message: string): void;
  debug(details: object, message: string): void;
}

export interface PostgresStoreOptions {
  /** Told about failures of idle pooled connections (the pool replaces them). @default none */
  log?: StoreLogger;
}

// Lower-case identifiers only: the name goes into `set search_path` unquoted
// and must mean the same schema there as in `create schema`.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Gatehouse's tables in one schema of a PostgreSQL server, reached through a
 * `pg` pool. Several instances may share the schema: migrations and registry
 * writes are serialised with advisory locks keyed on the schema name.
 */
export async function openPostgresStore(
  { connectionString, schema = 'gatehouse' }: PostgresStoreConfig,
  { log }: PostgresStoreOptions = {},
): Promise<Store> {
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreError(`PostgreSQL schema name "${schema}" must match ${SCHEMA_NAME.source}.`);
  }
  const pool = new pg.Pool({
    connectionString,
    application_name: 'gatehouse',
    // Without it an unreachable server makes open (and every later query) hang forever.
    connectionTimeoutMillis: 10_000,
  });
  // An idle client that dies (server restart, network) is dropped by the pool and
  // the next query opens a new one; unhandled, the 'error' event would kill the process.
  pool.on('error', (error) => log?.warn({ err: error }, 'idle PostgreSQL connection failed'));
  // pg-pool listens for errors only while a client is idle. One checked out between two statements
  // (a registry transaction composing the graph) that loses its server emits 'error' too, and
  // unhandled that ends the process; handled, the next statement fails (StoreUnavailableError,
  // reported where it is handled) and the pool drops the broken client when it is released.
  pool.on('connect', (client) => client.on('error', (error) => log?.debug({ err: error }, 'PostgreSQL connection in use failed')));

  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      // Per connection rather than in the pool's `options`: a connection string
      // carrying its own `options` would silently replace ours.
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw(`set search_path to ${schema}`));
      },
    }),
  });
  try {
    await attempt(`open the PostgreSQL store in schema "${schema}"`, () => prepareSchema(db, schema));
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStore(db, { engine: 'postgres', registryLock: registryLockKey(schema), usageRollupLock: usageRollupLockKey(schema) });
}

/** Creates the schema if needed and migrates it, one instance at a time. */
async function prepareSchema(db: Kysely<Database>, schema: string): Promise<void> {
  const [classId, objectId] = migrationLockKey(schema);
  // A session lock on one pinned connection: it must span schema creation and
  // Kysely's migration transaction, which would race between instances starting together.
  await db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${classId}, ${objectId})`.execute(connection);
    try {
      // Checked first because `create schema if not exists` still demands CREATE
      // on the database, which a role given only a ready-made schema lacks.
      const { rows } = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(connection);
      if (rows.length === 0) await sql`create schema ${sql.id(schema)}`.execute(connection);
      await migrateToLatest(connection);
    } finally {
      await sql`select pg_advisory_unlock(${classId}, ${objectId})`.execute(connection);
    }
  });
}
