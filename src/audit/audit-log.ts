import type { Logger } from '../log.js';
import { redactForAudit } from './redact.js';
import type { AuditEntryInput, AuditStore } from './types.js';

export interface AuditLogOptions {
  store: AuditStore;
  log: Logger;
  /** Entries are kept this long, in days. @default 365 */
  retentionDays?: number;
  /** How often old entries are deleted, in ms. @default 3600000 */
  pruneIntervalMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * The audit log of the admin API: entries are redacted here, whoever writes them, and kept for the
 * retention period. Writing is awaited by the mutation that is audited; a failure is logged (with
 * the redacted entry, so the log holds what the table could not) and does not undo the mutation.
 */
export class AuditLog {
  readonly #store: AuditStore;
  readonly #log: Logger;
  readonly #retentionMs: number;
  readonly #pruneIntervalMs: number;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;

  constructor({ store, log, retentionDays = 365, pruneIntervalMs = 3_600_000, now = Date.now }: AuditLogOptions) {
    this.#store = store;
    this.#log = log.child({ component: 'audit' });
    this.#retentionMs = retentionDays * 86_400_000;
    this.#pruneIntervalMs = pruneIntervalMs;
    this.#now = now;
  }

  get store(): AuditStore {
    return this.#store;
  }

  now(): Date {
    return new Date(this.#now());
  }

  /** Never rejects: the mutation it records has happened, whatever becomes of its entry. */
  async record(entry: Omit<AuditEntryInput, 'at'>): Promise<void> {
    const redacted: AuditEntryInput = {
      ...entry,
      at: this.now(),
      input: redactForAudit(entry.input),
      before: redactForAudit(entry.before),
      after: redactForAudit(entry.after),
    };
    try {
      await this.#store.append(redacted);
    } catch (error) {
      this.#log.error({ err: error, entry: redacted }, 'audit entry could not be written');
    }
  }

  /** Deletes entries past the retention, as of `atMs`; returns how many went. */
  prune(atMs: number = this.#now()): Promise<number> {
    return this.#store.prune(new Date(atMs - this.#retentionMs));
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.prune().catch((error: unknown) => this.#log.warn({ err: error }, 'old audit entries could not be deleted; retrying at the next run'));
    }, this.#pruneIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
