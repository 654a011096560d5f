import { sql, type Kysely } from 'kysely';

// REST (OpenAPI) and plain GraphQL backends: their OpenAPI document, and per-backend options
// (name prefix, cross-source links, error exposure) as one jsonb value checked by the admin API.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('backends')
    .addColumn('openapi_document', 'text')
    .addColumn('options', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('backends').dropColumn('options').dropColumn('openapi_document').execute();
}
