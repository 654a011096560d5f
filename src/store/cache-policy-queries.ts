import { sql, type Kysely, type Selectable } from 'kysely';
import type { CachePoliciesTable, Database } from './database.js';
import { StoreError } from './store-error.js';
import type { CachePolicyInput, CachePolicyRecord } from './types.js';

/** SQL of the response cache policies, for both engines (see queries.ts). */
type Db = Kysely<Database>;

export async function listCachePolicies(db: Db): Promise<CachePolicyRecord[]> {
  const rows = await db.selectFrom('cache_policies').selectAll().orderBy('coordinate').execute();
  return rows.map(toCachePolicyRecord);
}

/** Inserts or replaces the policy of a coordinate. */
export async function setCachePolicy(db: Db, policy: CachePolicyInput): Promise<CachePolicyRecord> {
  const values = { max_age_seconds: policy.maxAgeSeconds, scope: policy.scope };
  const row = await db
    .insertInto('cache_policies')
    .values({ coordinate: policy.coordinate, ...values })
    .onConflict((oc) => oc.column('coordinate').doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toCachePolicyRecord(row);
}

export async function removeCachePolicy(db: Db, coordinate: string): Promise<boolean> {
  const removed = await db.deleteFrom('cache_policies').where('coordinate', '=', coordinate).returning('coordinate').executeTakeFirst();
  return removed !== undefined;
}

function toCachePolicyRecord(row: Selectable<CachePoliciesTable>): CachePolicyRecord {
  if (row.scope !== 'PUBLIC' && row.scope !== 'PRIVATE') throw new StoreError(`Cache policy "${row.coordinate}" has an unreadable scope.`);
  return { coordinate: row.coordinate, maxAgeSeconds: row.max_age_seconds, scope: row.scope, createdAt: row.created_at, updatedAt: row.updated_at };
}
