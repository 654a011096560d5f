import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as registry from './001-registry.js';
import * as consumers from './002-consumers.js';
import * as backendKinds from './003-backend-kinds.js';
import * as responseLimits from './004-backend-response-limits.js';
import * as responseCache from './005-response-cache-and-forwarded-headers.js';
import * as usage from './006-usage.js';
import * as audit from './007-audit.js';
import * as groupedUsage from './008-usage-grouped-records.js';

/**
 * Every migration, in order. Names are stored in `kysely_migration`: never
 * rename or reorder one that has shipped; add a new file instead.
 */
const migrations: Record<string, Migration> = {
  '001-registry': registry,
  '002-consumers': consumers,
  '003-backend-kinds': backendKinds,
  '004-backend-response-limits': responseLimits,
  '005-response-cache-and-forwarded-headers': responseCache,
  '006-usage': usage,
  '007-audit': audit,
  '008-usage-grouped-records': groupedUsage,
};

// Static, not a folder scan: the migrations ship inside the bundle and tsx/tsc
// builds see the same list.
const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/**
 * Brings the schema at the head of `db`'s search_path up to date; returns the
 * names of the migrations it applied (none when already current). Kysely's
 * migrator runs them in one transaction under its own advisory lock.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('No schema to migrate: the search_path names no existing schema.');

  // Kysely looks for its bookkeeping tables in every schema unless told which
  // one: a second Gatehouse schema in the same database would otherwise hide ours.
  const migrator = new Migrator({ db, provider, migrationTableSchema: schema });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(failed ? `Migration ${failed} failed.` : 'Migrations could not run.', { cause: error });
  }
  return results.map((result) => result.migrationName);
}
