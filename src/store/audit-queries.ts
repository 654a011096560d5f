import type { Kysely, Selectable } from 'kysely';
import type { AuditEntry, AuditEntryInput, AuditFilter, AuditPage } from '../audit/types.js';
import type { AuditLogTable, Database } from './database.js';
import { StoreRejection } from './store-error.js';

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: String(row.id),
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    requestId: row.request_id,
    input: row.input,
    before: row.before ?? null,
    after: row.after ?? null,
    result: row.result,
  };
}

export async function appendAuditEntry(db: Kysely<Database>, entry: AuditEntryInput): Promise<AuditEntry> {
  const row = await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      request_id: entry.requestId,
      input: JSON.stringify(entry.input ?? {}),
      before: json(entry.before),
      after: json(entry.after),
      result: entry.result,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toEntry(row);
}

export async function listAuditEntries(
  db: Kysely<Database>,
  { first, after, filter = {} }: { first: number; after?: string | null; filter?: AuditFilter },
): Promise<AuditPage> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(first + 1);
  if (after != null) query = query.where('id', '<', idOfCursor(after));
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.target !== undefined) query = query.where('target', '=', filter.target);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  const rows = await query.execute();
  const entries = rows.slice(0, first).map(toEntry);
  const hasNextPage = rows.length > first;
  const last = entries.at(-1);
  return { entries, hasNextPage, endCursor: last ? auditCursor(last) : null };
}

export async function pruneAuditLog(db: Kysely<Database>, before: Date): Promise<number> {
  const [result] = await db.deleteFrom('audit_log').where('at', '<', before).execute();
  return Number(result?.numDeletedRows ?? 0);
}

/** The cursor just after `entry` (newest first): its id, opaque to clients. */
export function auditCursor(entry: Pick<AuditEntry, 'id'>): string {
  return Buffer.from(`audit:${entry.id}`, 'utf8').toString('base64url');
}

function idOfCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = /^audit:([1-9][0-9]{0,17})$/.exec(text)?.[1];
  // Node decodes any string leniently: only a cursor that round-trips is one we made.
  if (!id || auditCursor({ id }) !== cursor) throw new StoreRejection('bad-cursor', 'The cursor is not valid.');
  return Number(id);
}
