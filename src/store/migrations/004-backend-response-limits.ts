import type { Kysely } from 'kysely';

// Per-backend cap on the size of an answer read; null means the gateway default.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('backends').addColumn('max_response_bytes', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('backends').dropColumn('max_response_bytes').execute();
}
