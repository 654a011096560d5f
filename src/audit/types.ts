/**
 * The audit log as the store holds it. A leaf: the store imports these types. Everything in an
 * entry has been through `redact.ts` before it gets here.
 */

export interface AuditEntryInput {
  at: Date;
  /** Which admin credential: `admin-token:<first 8 hex of its SHA-256>`. */
  actor: string;
  /** The admin mutation, e.g. `updatePlan`. */
  action: string;
  /** What it acted on, e.g. `plan:starter`; null when it names nothing (a batch of documents). */
  target: string | null;
  requestId: string | null;
  /** The mutation's arguments, redacted. */
  input: unknown;
  /** The record before and after, redacted; null where there is none (created, deleted, dry run). */
  before: unknown;
  after: unknown;
  /** `ok`, or the error code the mutation answered with. */
  result: string;
}

export interface AuditEntry extends AuditEntryInput {
  id: string;
}

export interface AuditFilter {
  action?: string | undefined;
  target?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `after` for the next (older) page; null on the last one. */
  endCursor: string | null;
  hasNextPage: boolean;
}

/** Append-only: no update or delete but the retention prune. */
export interface AuditStore {
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Newest first, `first` at a time, after the `endCursor` of the previous page. Rejects with `bad-cursor`. */
  list(options: { first: number; after?: string | null; filter?: AuditFilter }): Promise<AuditPage>;
  /** Deletes entries older than `before`; returns how many went. */
  prune(before: Date): Promise<number>;
}
