import { sql, type Kysely } from 'kysely';

// Migrations take `Kysely<any>`: they must keep compiling as `Database` changes later.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('backends')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('headers', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('sdl', 'text', (col) => col.notNull())
    .addColumn('sdl_source', 'text', (col) => col.notNull())
    .addColumn('timeout_ms', 'integer')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('schema_versions')
    .addColumn('version', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('supergraph_sdl', 'text', (col) => col.notNull())
    .addColumn('api_sdl', 'text', (col) => col.notNull())
    .addColumn('backend_names', 'jsonb', (col) => col.notNull())
    .addColumn('composed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('value', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('settings').execute();
  await db.schema.dropTable('schema_versions').execute();
  await db.schema.dropTable('backends').execute();
}
