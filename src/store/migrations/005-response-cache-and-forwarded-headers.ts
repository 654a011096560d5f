import { sql, type Kysely } from 'kysely';

// Response cache policies set through the admin API (one per type or `Type.field` coordinate), and
// per backend the client headers it is sent (`forwardHeaders`, a jsonb list of lower-case names).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cache_policies')
    .addColumn('coordinate', 'text', (col) => col.primaryKey())
    .addColumn('max_age_seconds', 'integer', (col) => col.notNull().check(sql`max_age_seconds >= 0`))
    .addColumn('scope', 'text', (col) => col.notNull().check(sql`scope in ('PUBLIC', 'PRIVATE')`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .alterTable('backends')
    .addColumn('forward_headers', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('backends').dropColumn('forward_headers').execute();
  await db.schema.dropTable('cache_policies').execute();
}
