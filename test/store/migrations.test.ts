import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import { storeEngines, type RawDatabase } from './engines.js';

describe.each(storeEngines)('$name migrations', (engine) => {
  let raw: RawDatabase;

  beforeAll(async () => {
    raw = await engine.rawDatabase();
  });

  afterAll(async () => {
    await raw?.dispose();
  });

  it('create the tables once and then find nothing to do', async () => {
    expect(await migrateToLatest(raw.db)).toEqual(['001-registry', '002-consumers', '003-backend-kinds', '004-backend-response-limits', '005-response-cache-and-forwarded-headers', '006-usage', '007-audit', '008-usage-grouped-records']);
    expect(await migrateToLatest(raw.db)).toEqual([]);

    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() order by table_name`.execute(raw.db);
    expect(rows.map((row) => row.table_name)).toEqual([
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
});
