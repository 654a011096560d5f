import { afterEach, describe, expect, it } from 'vitest';
import { openStore, StoreError, type Store } from '../../src/store/index.js';
import { backendInput, dropSchema, runSql, testDatabaseUrl, uniqueSchemaName } from './engines.js';

describe('postgres store', () => {
  const schemas: string[] = [];
  const stores: Store[] = [];

  function freshSchema(): string {
    const schema = uniqueSchemaName();
    schemas.push(schema);
    return schema;
  }

  async function open(schema: string): Promise<Store> {
    const store = await openStore({ engine: 'postgres', connectionString: testDatabaseUrl, schema });
    stores.push(store);
    return store;
  }

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await Promise.all(schemas.splice(0).map(dropSchema));
  });

  it('keeps its tables in its own schema', async () => {
    const schema = freshSchema();
    await open(schema);

    const tables = await runSql<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = $1 order by table_name',
      [schema],
    );
    expect(tables.map((row) => row.table_name)).toEqual([
      'api_keys',
      'audit_log',
      'backends',
      'cache_policies',
      'consumers',
      'kysely_migration',
      'kysely_migration_lock',
      'plans',
      'schema_versions',
      'settings',
      'trusted_documents',
      'usage_backend_rollups',
      'usage_error_rollups',
      'usage_operation_coordinates',
      'usage_operations',
      'usage_requests',
      'usage_rollups',
    ]);
  });

  it('lets instances that start together share one fresh schema and serialises their writes', async () => {
    const schema = freshSchema();
    const instances = await Promise.all([open(schema), open(schema), open(schema)]);
    const [first] = instances;
    await first!.withRegistryLock((tx) => tx.upsertBackend(backendInput('counter', { timeoutMs: 1 })));

    const increments = 4;
    await Promise.all(
      instances.flatMap((store) =>
        Array.from({ length: increments }, () =>
          store.withRegistryLock(async (tx) => {
            const counter = await tx.getBackend('counter');
            await new Promise((resolve) => setTimeout(resolve, 5));
            await tx.upsertBackend(backendInput('counter', { timeoutMs: (counter?.timeoutMs ?? 0) + 1 }));
          }),
        ),
      ),
    );

    for (const store of instances) {
      expect((await store.getBackend('counter'))?.timeoutMs).toBe(1 + instances.length * increments);
    }
    const applied = await runSql(`select name from ${schema}.kysely_migration order by name`);
    expect(applied).toEqual([{ name: '001-registry' }, { name: '002-consumers' }, { name: '003-backend-kinds' }, { name: '004-backend-response-limits' }, { name: '005-response-cache-and-forwarded-headers' }, { name: '006-usage' }, { name: '007-audit' }, { name: '008-usage-grouped-records' }]);
  });

  it('works in a schema that exists already', async () => {
    const schema = freshSchema();
    await runSql(`create schema ${schema}`);
    const store = await open(schema);
    expect(await store.listBackends()).toEqual([]);
  });

  it('refuses a schema name it would have to quote', async () => {
    await expect(open('Gatehouse; drop schema public')).rejects.toThrow(StoreError);
  });

  it('fails to open with a StoreError that names neither SQL nor credentials', async () => {
    const error = await openStore({
      engine: 'postgres',
      connectionString: 'postgres://gatehouse:hunter2@127.0.0.1:1/nowhere',
      schema: 'gatehouse',
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toBe('Could not open the PostgreSQL store in schema "gatehouse".');
    expect((error as StoreError).cause).toBeInstanceOf(Error);
  });
});
