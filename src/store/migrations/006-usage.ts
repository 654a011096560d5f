import { sql, type CreateTableBuilder, type Kysely } from 'kysely';

// Usage records: one row per /graphql operation (raw), rolled up into minute, hour and day
// periods, and the operations they name with the schema coordinates each uses. Times are ms since
// the epoch (bigint): buckets are integer arithmetic, in UTC whatever the session's time zone.
// '' stands for "none" in key columns, so they can be part of primary keys.

const ROLLUP_MEASURES = (table: CreateTableBuilder<any, any>) =>
  table
    .addColumn('requests', 'bigint', (col) => col.notNull())
    .addColumn('errors', 'bigint', (col) => col.notNull())
    .addColumn('cost_sum', 'bigint', (col) => col.notNull())
    .addColumn('charged', 'bigint', (col) => col.notNull())
    .addColumn('points', 'bigint', (col) => col.notNull())
    .addColumn('cache_hits', 'bigint', (col) => col.notNull())
    .addColumn('duration_sum_ms', 'double precision', (col) => col.notNull())
    .addColumn('last_seen_ms', 'bigint', (col) => col.notNull())
    // Counts per fixed latency bucket (src/usage/latency-buckets.ts), so periods add up.
    .addColumn('latency_histogram', sql`bigint[]`, (col) => col.notNull());

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('usage_requests')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at_ms', 'bigint', (col) => col.notNull())
    .addColumn('consumer', 'text', (col) => col.notNull())
    .addColumn('plan', 'text', (col) => col.notNull())
    .addColumn('document_hash', 'text', (col) => col.notNull())
    .addColumn('operation_name', 'text', (col) => col.notNull())
    .addColumn('cost', 'integer')
    .addColumn('duration_ms', 'double precision', (col) => col.notNull())
    .addColumn('latency_bucket', 'smallint', (col) => col.notNull())
    .addColumn('http_status', 'smallint', (col) => col.notNull())
    .addColumn('error_codes', 'jsonb', (col) => col.notNull())
    .addColumn('is_error', 'boolean', (col) => col.notNull())
    .addColumn('cache_hit', 'boolean', (col) => col.notNull())
    // [{ name, durationMs, bucket, errorCode }]: read with jsonb_to_recordset.
    .addColumn('backends', 'jsonb', (col) => col.notNull())
    // Set in the transaction that adds the row to the rollups: exactly once, whichever instance does it.
    .addColumn('rolled', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
  await db.schema.createIndex('usage_requests_at').on('usage_requests').column('at_ms').execute();
  // The rollup job's scan: only the rows still to roll up.
  await sql`create index usage_requests_unrolled on usage_requests (id) where not rolled`.execute(db);

  for (const [table, keys] of [
    ['usage_rollups', []],
    ['usage_error_rollups', ['error_code']],
    ['usage_backend_rollups', ['backend', 'error_code']],
  ] as const) {
    let create = db.schema
      .createTable(table)
      .addColumn('resolution', 'text', (col) => col.notNull().check(sql`resolution in ('minute', 'hour', 'day')`))
      .addColumn('bucket_ms', 'bigint', (col) => col.notNull())
      .addColumn('consumer', 'text', (col) => col.notNull())
      .addColumn('plan', 'text', (col) => col.notNull())
      .addColumn('document_hash', 'text', (col) => col.notNull())
      .addColumn('operation_name', 'text', (col) => col.notNull());
    for (const key of keys) create = create.addColumn(key, 'text', (col) => col.notNull());
    await ROLLUP_MEASURES(create)
      .addPrimaryKeyConstraint(`${table}_pkey`, ['resolution', 'bucket_ms', 'consumer', 'plan', 'document_hash', 'operation_name', ...keys])
      .execute();
  }

  await db.schema
    .createTable('usage_operations')
    .addColumn('document_hash', 'text', (col) => col.notNull())
    .addColumn('operation_name', 'text', (col) => col.notNull())
    .addColumn('operation_type', 'text', (col) => col.notNull())
    .addColumn('first_seen_ms', 'bigint', (col) => col.notNull())
    .addColumn('last_seen_ms', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('usage_operations_pkey', ['document_hash', 'operation_name'])
    .execute();
  await db.schema
    .createTable('usage_operation_coordinates')
    .addColumn('document_hash', 'text', (col) => col.notNull())
    .addColumn('operation_name', 'text', (col) => col.notNull())
    .addColumn('coordinate', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('usage_operation_coordinates_pkey', ['document_hash', 'operation_name', 'coordinate'])
    .addForeignKeyConstraint('usage_operation_coordinates_operation', ['document_hash', 'operation_name'], 'usage_operations', ['document_hash', 'operation_name'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  // fieldUsage and schema checks look operations up by coordinate.
  await db.schema.createIndex('usage_operation_coordinates_coordinate').on('usage_operation_coordinates').column('coordinate').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['usage_operation_coordinates', 'usage_operations', 'usage_backend_rollups', 'usage_error_rollups', 'usage_rollups', 'usage_requests']) {
    await db.schema.dropTable(table).execute();
  }
}
