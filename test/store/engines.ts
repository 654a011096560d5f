import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Backend } from '../../src/sources/backend.js';
import type { StoreConfig } from '../../src/store/index.js';

export const testDatabaseUrl =
  process.env.GATEHOUSE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Storage no other test uses; `dispose` deletes it. */
export interface FreshStorage {
  config: StoreConfig;
  dispose(): Promise<void>;
}

/** A bare database for the migrations alone, without a store around it. */
export interface RawDatabase {
  db: Kysely<object>;
  dispose(): Promise<void>;
}

export interface StoreEngine {
  name: StoreConfig['engine'];
  freshStorage(): Promise<FreshStorage>;
  rawDatabase(): Promise<RawDatabase>;
}

export const embeddedEngine: StoreEngine = {
  name: 'embedded',
  async freshStorage() {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-store-'));
    return {
      config: { engine: 'embedded', dataDir },
      dispose: () => rm(dataDir, { recursive: true, force: true }),
    };
  },
  async rawDatabase() {
    const db = new Kysely<object>({ dialect: new PGliteDialect(await PGlite.create()) });
    return { db, dispose: () => db.destroy() };
  },
};

export const postgresEngine: StoreEngine = {
  name: 'postgres',
  async freshStorage() {
    const schema = uniqueSchemaName();
    return {
      config: { engine: 'postgres', connectionString: testDatabaseUrl, schema },
      dispose: () => dropSchema(schema),
    };
  },
  async rawDatabase() {
    const schema = uniqueSchemaName();
    await runSql(`create schema ${schema}`);
    const db = new Kysely<object>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: testDatabaseUrl, max: 1 }),
        onCreateConnection: (connection) =>
          connection.executeQuery(CompiledQuery.raw(`set search_path to ${schema}`)).then(() => {}),
      }),
    });
    return {
      db,
      dispose: async () => {
        await db.destroy();
        await dropSchema(schema);
      },
    };
  },
};

export const storeEngines = [embeddedEngine, postgresEngine];

export function uniqueSchemaName(): string {
  return `gatehouse_test_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  await runSql(`drop schema if exists ${schema} cascade`);
}

/** One statement on a fresh connection, for set-up and inspection the store API doesn't offer. */
export async function runSql<Row extends object = Record<string, unknown>>(
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A federation subgraph backend; `overrides` may make it another kind (give that kind's fields). */
export function backendInput(name: string, overrides: Partial<Record<string, unknown>> = {}): Backend {
  return {
    name,
    kind: 'FEDERATION_SUBGRAPH',
    url: `http://127.0.0.1:4001/${name}/graphql`,
    headers: {},
    forwardHeaders: [],
    sdl: `type Query { ${name.replace(/[^a-z0-9_]/g, '_')}: String }`,
    sdlSource: 'INLINE',
    timeoutMs: null,
    maxResponseBytes: null,
    ...overrides,
  } as Backend;
}
