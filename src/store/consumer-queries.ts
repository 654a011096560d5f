import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { ApiKeysTable, ConsumersTable, Database, PlansTable, TrustedDocumentsTable } from './database.js';
import { StoreError, StoreRejection } from './store-error.js';
import type {
  ApiKeyInput,
  ApiKeyRecord,
  ConsumerInput,
  ConsumerPatch,
  ConsumerRecord,
  KeyOwner,
  Page,
  PlanInput,
  PlanPatch,
  PlanRecord,
  QuotaPeriod,
  RecordRef,
  TrustedDocumentInput,
  TrustedDocumentRecord,
} from './types.js';

/** SQL of plans, consumers, API keys and trusted documents, for both engines (see queries.ts). */
type Db = Kysely<Database>;

// PostgreSQL error codes (both engines report them as `error.code`).
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

// ─── plans ────────────────────────────────────────────────────────────────────────────────────

export async function createPlan(db: Db, plan: PlanInput): Promise<PlanRecord> {
  try {
    const row = await db
      .insertInto('plans')
      .values({ id: randomUUID(), name: plan.name, ...planColumns(plan) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toPlanRecord(row);
  } catch (error) {
    if (pgCode(error) === UNIQUE_VIOLATION) throw new StoreRejection('name-taken', `A plan named "${plan.name}" already exists.`);
    throw error;
  }
}

export async function updatePlan(db: Db, name: string, patch: PlanPatch): Promise<PlanRecord | undefined> {
  const row = await db
    .updateTable('plans')
    .set({ ...planColumns(patch), updated_at: sql<Date>`now()` })
    .where('name', '=', name)
    .returningAll()
    .executeTakeFirst();
  return row && toPlanRecord(row);
}

export async function getPlan(db: Db, ref: RecordRef): Promise<PlanRecord | undefined> {
  const row = await db
    .selectFrom('plans')
    .selectAll()
    .where((eb) => ('id' in ref ? eb('id', '=', ref.id) : eb('name', '=', ref.name)))
    .executeTakeFirst();
  return row && toPlanRecord(row);
}

export async function listPlans(db: Db): Promise<PlanRecord[]> {
  const rows = await db.selectFrom('plans').selectAll().orderBy('name').execute();
  return rows.map(toPlanRecord);
}

export async function deletePlan(db: Db, name: string): Promise<boolean> {
  try {
    const deleted = await db.deleteFrom('plans').where('name', '=', name).returning('id').executeTakeFirst();
    return deleted !== undefined;
  } catch (error) {
    // consumers.plan_id is ON DELETE RESTRICT: the database itself refuses, so
    // a consumer created concurrently cannot be left without a plan.
    if (pgCode(error) === FOREIGN_KEY_VIOLATION) throw new StoreRejection('plan-in-use', `Plan "${name}" is used by consumers.`);
    throw error;
  }
}

/** The columns a plan input or patch sets (Kysely leaves out the undefined ones: absent patch fields). */
function planColumns(plan: PlanInput): Omit<Insertable<PlansTable>, 'id' | 'name'>;
function planColumns(plan: PlanPatch): Updateable<PlansTable>;
function planColumns(plan: PlanPatch): Updateable<PlansTable> {
  return {
    rate_limit_points: plan.rateLimitPoints,
    rate_limit_window_seconds: plan.rateLimitWindowSeconds,
    quota_period: plan.quotaPeriod,
    quota_cost_points: plan.quotaCostPoints,
    quota_requests: plan.quotaRequests,
    max_cost: plan.maxCost,
    max_depth: plan.maxDepth,
    introspection_allowed: plan.introspectionAllowed,
    trusted_documents_only: plan.trustedDocumentsOnly,
  };
}

// ─── consumers ────────────────────────────────────────────────────────────────────────────────

export async function createConsumer(db: Db, consumer: ConsumerInput): Promise<ConsumerRecord> {
  try {
    const row = await db
      .insertInto('consumers')
      .values({ id: randomUUID(), name: consumer.name, plan_id: consumer.planId, disabled: consumer.disabled })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toConsumerRecord(row);
  } catch (error) {
    throw consumerRejection(error, consumer.name);
  }
}

export async function updateConsumer(db: Db, name: string, patch: ConsumerPatch): Promise<ConsumerRecord | undefined> {
  try {
    const row = await db
      .updateTable('consumers')
      .set({ plan_id: patch.planId, disabled: patch.disabled, updated_at: sql<Date>`now()` })
      .where('name', '=', name)
      .returningAll()
      .executeTakeFirst();
    return row && toConsumerRecord(row);
  } catch (error) {
    throw consumerRejection(error, name);
  }
}

function consumerRejection(error: unknown, name: string): unknown {
  switch (pgCode(error)) {
    case UNIQUE_VIOLATION:
      return new StoreRejection('name-taken', `A consumer named "${name}" already exists.`);
    case FOREIGN_KEY_VIOLATION:
      return new StoreRejection('plan-missing', `The plan of consumer "${name}" does not exist.`);
    default:
      return error;
  }
}

export async function getConsumer(db: Db, ref: RecordRef): Promise<ConsumerRecord | undefined> {
  const row = await db
    .selectFrom('consumers')
    .selectAll()
    .where((eb) => ('id' in ref ? eb('id', '=', ref.id) : eb('name', '=', ref.name)))
    .executeTakeFirst();
  return row && toConsumerRecord(row);
}

export async function listConsumers(db: Db, { first, after }: { first: number; after?: string | null }): Promise<Page<ConsumerRecord>> {
  if (!Number.isSafeInteger(first) || first < 0) throw new StoreError(`A page size must be a non-negative integer, got ${first}.`);
  let query = db.selectFrom('consumers').selectAll().orderBy('name').limit(first + 1);
  if (after != null) query = query.where('name', '>', nameOfCursor(after));
  // One row more than asked tells whether another page follows.
  const [rows, { count }] = await Promise.all([
    query.execute(),
    db.selectFrom('consumers').select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow(),
  ]);
  const items = rows.slice(0, first).map(toConsumerRecord);
  const last = items.at(-1);
  return { items, endCursor: rows.length > first && last ? consumerCursor(last) : null, totalCount: count };
}

/**
 * The cursor just after `consumer` in `listConsumers`' order: its name, opaque
 * to clients (base64url) so the ordering stays ours to change.
 */
export function consumerCursor(consumer: Pick<ConsumerRecord, 'name'>): string {
  return Buffer.from(consumer.name, 'utf8').toString('base64url');
}

function nameOfCursor(cursor: string): string {
  const name = Buffer.from(cursor, 'base64url').toString('utf8');
  // Node decodes any string leniently: only a cursor that round-trips is one we made.
  if (name === '' || consumerCursor({ name }) !== cursor) throw new StoreRejection('bad-cursor', 'The cursor is not valid.');
  return name;
}

export async function deleteConsumer(db: Db, name: string): Promise<boolean> {
  // api_keys.consumer_id is ON DELETE CASCADE: the keys go in the same statement.
  const deleted = await db.deleteFrom('consumers').where('name', '=', name).returning('id').executeTakeFirst();
  return deleted !== undefined;
}

// ─── API keys ─────────────────────────────────────────────────────────────────────────────────

export async function insertApiKey(db: Db, key: ApiKeyInput): Promise<ApiKeyRecord> {
  const row = await db
    .insertInto('api_keys')
    .values({
      id: randomUUID(),
      consumer_id: key.consumerId,
      prefix: key.prefix,
      key_hash: key.keyHash,
      label: key.label,
      expires_at: key.expiresAt,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toApiKeyRecord(row);
}

export async function getApiKey(db: Db, id: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toApiKeyRecord(row);
}

export async function listApiKeys(db: Db, consumerId: string): Promise<ApiKeyRecord[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('consumer_id', '=', consumerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toApiKeyRecord);
}

export async function revokeApiKey(db: Db, id: string): Promise<ApiKeyRecord | undefined> {
  const row = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toApiKeyRecord(row);
}

export async function setApiKeyExpiry(db: Db, id: string, expiresAt: Date | null): Promise<ApiKeyRecord | undefined> {
  const row = await db.updateTable('api_keys').set({ expires_at: expiresAt }).where('id', '=', id).returningAll().executeTakeFirst();
  return row && toApiKeyRecord(row);
}

export async function findKeyOwner(db: Db, keyHash: string): Promise<KeyOwner | undefined> {
  // One statement over the unique key_hash index and two primary keys.
  const row = await db
    .selectFrom('api_keys as k')
    .innerJoin('consumers as c', 'c.id', 'k.consumer_id')
    .innerJoin('plans as p', 'p.id', 'c.plan_id')
    .select([
      'k.id as k_id',
      'k.consumer_id as k_consumer_id',
      'k.prefix as k_prefix',
      'k.key_hash as k_key_hash',
      'k.label as k_label',
      'k.created_at as k_created_at',
      'k.expires_at as k_expires_at',
      'k.revoked_at as k_revoked_at',
      'c.id as c_id',
      'c.name as c_name',
      'c.plan_id as c_plan_id',
      'c.disabled as c_disabled',
      'c.created_at as c_created_at',
      'c.updated_at as c_updated_at',
      'p.id as p_id',
      'p.name as p_name',
      'p.rate_limit_points as p_rate_limit_points',
      'p.rate_limit_window_seconds as p_rate_limit_window_seconds',
      'p.quota_period as p_quota_period',
      'p.quota_cost_points as p_quota_cost_points',
      'p.quota_requests as p_quota_requests',
      'p.max_cost as p_max_cost',
      'p.max_depth as p_max_depth',
      'p.introspection_allowed as p_introspection_allowed',
      'p.trusted_documents_only as p_trusted_documents_only',
      'p.created_at as p_created_at',
      'p.updated_at as p_updated_at',
    ])
    .where('k.key_hash', '=', keyHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    key: toApiKeyRecord({
      id: row.k_id,
      consumer_id: row.k_consumer_id,
      prefix: row.k_prefix,
      key_hash: row.k_key_hash,
      label: row.k_label,
      created_at: row.k_created_at,
      expires_at: row.k_expires_at,
      revoked_at: row.k_revoked_at,
    }),
    consumer: toConsumerRecord({
      id: row.c_id,
      name: row.c_name,
      plan_id: row.c_plan_id,
      disabled: row.c_disabled,
      created_at: row.c_created_at,
      updated_at: row.c_updated_at,
    }),
    plan: toPlanRecord({
      id: row.p_id,
      name: row.p_name,
      rate_limit_points: row.p_rate_limit_points,
      rate_limit_window_seconds: row.p_rate_limit_window_seconds,
      quota_period: row.p_quota_period,
      quota_cost_points: row.p_quota_cost_points,
      quota_requests: row.p_quota_requests,
      max_cost: row.p_max_cost,
      max_depth: row.p_max_depth,
      introspection_allowed: row.p_introspection_allowed,
      trusted_documents_only: row.p_trusted_documents_only,
      created_at: row.p_created_at,
      updated_at: row.p_updated_at,
    }),
  };
}

// ─── trusted documents ────────────────────────────────────────────────────────────────────────

export async function addTrustedDocuments(db: Db, documents: TrustedDocumentInput[]): Promise<TrustedDocumentRecord[]> {
  if (documents.length === 0) return [];
  // Existing hashes are kept as they are (same hash, same text): adding is idempotent.
  await db
    .insertInto('trusted_documents')
    .values(documents.map(({ hash, document }) => ({ hash, document })))
    .onConflict((oc) => oc.column('hash').doNothing())
    .execute();
  const rows = await db
    .selectFrom('trusted_documents')
    .selectAll()
    .where('hash', 'in', documents.map((document) => document.hash))
    .execute();
  const byHash = new Map(rows.map((row) => [row.hash, toTrustedDocumentRecord(row)]));
  return documents.map(({ hash }) => {
    const record = byHash.get(hash);
    if (!record) throw new StoreError(`Trusted document ${hash} vanished while being added.`);
    return record;
  });
}

export async function getTrustedDocument(db: Db, hash: string): Promise<TrustedDocumentRecord | undefined> {
  const row = await db.selectFrom('trusted_documents').selectAll().where('hash', '=', hash).executeTakeFirst();
  return row && toTrustedDocumentRecord(row);
}

export async function listTrustedDocuments(db: Db): Promise<TrustedDocumentRecord[]> {
  const rows = await db.selectFrom('trusted_documents').selectAll().orderBy('created_at').orderBy('hash').execute();
  return rows.map(toTrustedDocumentRecord);
}

export async function removeTrustedDocument(db: Db, hash: string): Promise<boolean> {
  const removed = await db.deleteFrom('trusted_documents').where('hash', '=', hash).returning('hash').executeTakeFirst();
  return removed !== undefined;
}

// ─── rows → records ───────────────────────────────────────────────────────────────────────────

const quotaPeriods: ReadonlySet<string> = new Set<QuotaPeriod>(['DAY', 'MONTH']);

function toPlanRecord(row: Selectable<PlansTable>): PlanRecord {
  // The column has a check constraint; a row that still fails (edited by a newer version) is refused.
  if (!quotaPeriods.has(row.quota_period)) throw new StoreError(`Plan "${row.name}" has an unreadable quota_period in the store.`);
  return {
    id: row.id,
    name: row.name,
    rateLimitPoints: row.rate_limit_points,
    rateLimitWindowSeconds: row.rate_limit_window_seconds,
    quotaPeriod: row.quota_period as QuotaPeriod,
    quotaCostPoints: row.quota_cost_points,
    quotaRequests: row.quota_requests,
    maxCost: row.max_cost,
    maxDepth: row.max_depth,
    introspectionAllowed: row.introspection_allowed,
    trustedDocumentsOnly: row.trusted_documents_only,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toConsumerRecord(row: Selectable<ConsumersTable>): ConsumerRecord {
  return {
    id: row.id,
    name: row.name,
    planId: row.plan_id,
    disabled: row.disabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toApiKeyRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    consumerId: row.consumer_id,
    prefix: row.prefix,
    keyHash: row.key_hash,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

function toTrustedDocumentRecord(row: Selectable<TrustedDocumentsTable>): TrustedDocumentRecord {
  return { hash: row.hash, document: row.document, createdAt: row.created_at };
}

function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
