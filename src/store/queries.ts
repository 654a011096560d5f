import { sql, type Kysely, type Selectable } from 'kysely';
import type { BackendsTable, Database, SchemaVersionsTable } from './database.js';
import { StoreError } from './store-error.js';
import { backendFromColumns, backendToColumns, type Backend, type BackendRecord } from '../sources/backend.js';
import type { SchemaVersionInput, SchemaVersionRecord } from './types.js';

/**
 * The store's SQL, written once for both engines. Each function takes either
 * the store's `Kysely` or a transaction (a `Transaction` is a `Kysely`).
 */
type Db = Kysely<Database>;

export async function listBackends(db: Db): Promise<BackendRecord[]> {
  const rows = await db.selectFrom('backends').selectAll().orderBy('name').execute();
  return rows.map(toBackendRecord);
}

export async function getBackend(db: Db, name: string): Promise<BackendRecord | undefined> {
  const row = await db.selectFrom('backends').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toBackendRecord(row);
}

export async function upsertBackend(db: Db, backend: Backend): Promise<BackendRecord> {
  const columns = backendToColumns(backend);
  const values = {
    kind: columns.kind,
    url: columns.url,
    headers: JSON.stringify(columns.headers),
    forward_headers: JSON.stringify(columns.forwardHeaders),
    sdl: columns.sdl,
    sdl_source: columns.sdlSource,
    timeout_ms: columns.timeoutMs,
    max_response_bytes: columns.maxResponseBytes,
    openapi_document: columns.openapiDocument,
    options: JSON.stringify(columns.options),
  };
  const row = await db
    .insertInto('backends')
    .values({ name: backend.name, ...values })
    // `created_at` is left alone: a replaced backend keeps the time it was first registered.
    .onConflict((oc) => oc.column('name').doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toBackendRecord(row);
}

export async function removeBackend(db: Db, name: string): Promise<boolean> {
  const removed = await db.deleteFrom('backends').where('name', '=', name).returning('name').executeTakeFirst();
  return removed !== undefined;
}

export async function insertSchemaVersion(db: Db, schema: SchemaVersionInput): Promise<SchemaVersionRecord> {
  const row = await db
    .insertInto('schema_versions')
    .values({
      supergraph_sdl: schema.supergraphSdl,
      api_sdl: schema.apiSdl,
      backend_names: JSON.stringify(schema.backendNames),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSchemaVersionRecord(row);
}

export async function latestSchemaVersion(db: Db): Promise<SchemaVersionRecord | undefined> {
  // Versions are only inserted under the registry lock, so the highest
  // identity value is also the last one committed.
  const row = await db
    .selectFrom('schema_versions')
    .selectAll()
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toSchemaVersionRecord(row);
}

/** The number of the latest schema version, without its SDL: what instances compare to see if they are behind. */
export async function latestSchemaVersionNumber(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('schema_versions')
    .select((eb) => eb.fn.max('version').as('version'))
    .executeTakeFirst();
  return row?.version == null ? undefined : Number(row.version);
}

/** Versions are numbered in commit order (under the registry lock), so the newest `keep` are the highest. */
export async function pruneSchemaVersions(db: Db, keep: number): Promise<number> {
  if (!Number.isSafeInteger(keep) || keep < 1) throw new StoreError(`At least one schema version must be kept, got ${keep}.`);
  const newest = await db.selectFrom('schema_versions').select('version').orderBy('version', 'desc').offset(keep - 1).limit(1).executeTakeFirst();
  if (!newest) return 0;
  const deleted = await db.deleteFrom('schema_versions').where('version', '<', newest.version).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

export async function listSchemaVersions(db: Db, limit: number): Promise<SchemaVersionRecord[]> {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new StoreError(`A schema version limit must be a non-negative integer, got ${limit}.`);
  }
  const rows = await db.selectFrom('schema_versions').selectAll().orderBy('version', 'desc').limit(limit).execute();
  return rows.map(toSchemaVersionRecord);
}

export async function getSetting(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Must run outside a transaction: the second statement needs a fresh snapshot (see below). */
export async function setSettingIfAbsent(db: Db, key: string, value: string): Promise<string> {
  const inserted = await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('value')
    .executeTakeFirst();
  if (inserted) return inserted.value;
  // A conflict means a row committed before our insert finished; in autocommit
  // (read committed) this new statement's snapshot includes it. Selecting in
  // the same statement as the insert would not, if the winner committed while
  // we waited on its row lock.
  const existing = await getSetting(db, key);
  if (existing === undefined) throw new StoreError(`Setting "${key}" vanished while being set.`);
  return existing;
}

function toBackendRecord(row: Selectable<BackendsTable>): BackendRecord {
  // A row this version cannot describe (written by a newer Gatehouse, or by hand) is refused
  // rather than passed on with a type it doesn't have: its kind's schema checks every column.
  const backend = backendFromColumns({
    name: row.name,
    kind: row.kind,
    url: row.url,
    headers: row.headers,
    forwardHeaders: row.forward_headers,
    sdl: row.sdl,
    sdlSource: row.sdl_source,
    timeoutMs: row.timeout_ms,
    maxResponseBytes: row.max_response_bytes,
    openapiDocument: row.openapi_document,
    options: row.options,
  });
  if (!backend) throw new StoreError(`Backend "${row.name}" is stored in a form this version of Gatehouse cannot read.`);
  return { ...backend, createdAt: row.created_at, updatedAt: row.updated_at };
}

function toSchemaVersionRecord(row: Selectable<SchemaVersionsTable>): SchemaVersionRecord {
  const version = Number(row.version);
  const names = row.backend_names;
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw new StoreError(`Schema version ${version} has unreadable backend_names.`);
  }
  return {
    version,
    supergraphSdl: row.supergraph_sdl,
    apiSdl: row.api_sdl,
    backendNames: names,
    composedAt: row.composed_at,
  };
}
