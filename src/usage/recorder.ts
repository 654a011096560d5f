import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Logger } from '../log.js';
import { describeOperation, identifyDocument } from './operations.js';
import type { OperationRow, UsageRow, UsageStore } from './types.js';

/**
 * One operation as the request path hands it over: references and numbers only, nothing computed.
 * The document is described (hash, coordinates) when the buffer is written, once per document.
 */
export interface UsageRecordDraft extends Omit<UsageRow, 'documentHash'> {
  /** The executed document and the schema it was validated against; null when nothing was executed. */
  executed: { schema: GraphQLSchema; document: DocumentNode; operationName: string | null } | null;
  /** A document that was parsed but not executed (it failed validation), for its hash and name. */
  parsed?: DocumentNode | null;
  /** The operation name the request gave, for records of operations that were not executed. */
  operationName: string | null;
}

export interface UsageRecorderStatus {
  /** Records waiting to be written (or being written). */
  buffered: number;
  /** Records dropped because the buffer was full (the store falling behind or down), since start. */
  dropped: number;
  written: number;
  failedWrites: number;
  lastWriteAt: Date | null;
  /** The last write's failure while it is not followed by a success. */
  lastError: string | null;
}

export interface UsageRecorderOptions {
  store: Pick<UsageStore, 'write'>;
  log: Logger;
  /** Records held in memory, waiting or being written; past it new records are dropped and counted. @default 10000 */
  bufferSize?: number;
  /** How often the buffer is written, in ms. @default 1000 */
  flushIntervalMs?: number;
  /** Records in one write (one transaction); a full batch is written at once, without waiting for the interval. @default 1000 */
  batchSize?: number;
  /** Clock in ms since the epoch (the operations' `last seen`). @default Date.now */
  now?: () => number;
}

/**
 * The buffer between the request path and the store. `append` is all a request pays: a length
 * check and a push. Writes happen on a timer (or as soon as a batch is full), one at a time; a
 * failed batch goes back to the front and waits for the next tick, so a store that is down costs
 * one attempt per interval. Memory is bounded by `bufferSize` records; past it records are
 * dropped and counted, so while the store is down at most `bufferSize` records wait for it.
 */
export class UsageRecorder {
  readonly #store: Pick<UsageStore, 'write'>;
  readonly #log: Logger;
  readonly #bufferSize: number;
  readonly #batchSize: number;
  readonly #flushIntervalMs: number;
  readonly #now: () => number;
  #pending: UsageRecordDraft[] = [];
  #inFlight = 0;
  #dropped = 0;
  #written = 0;
  #failedWrites = 0;
  #lastWriteAt: Date | null = null;
  #lastError: string | null = null;
  /** False from a failed write to the next successful one: no early writes meanwhile. */
  #storeWorks = true;
  #dropping = false;
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor({ store, log, bufferSize = 10_000, flushIntervalMs = 1_000, batchSize = 1_000, now = Date.now }: UsageRecorderOptions) {
    this.#store = store;
    this.#log = log.child({ component: 'usage' });
    this.#bufferSize = bufferSize;
    this.#batchSize = Math.min(batchSize, bufferSize);
    this.#flushIntervalMs = flushIntervalMs;
    this.#now = now;
  }

  start(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setInterval(() => void this.flush(), this.#flushIntervalMs);
    this.#timer.unref();
  }

  append(record: UsageRecordDraft): void {
    if (this.#closed || this.#pending.length + this.#inFlight >= this.#bufferSize) {
      this.#dropped++;
      if (!this.#dropping) {
        this.#dropping = true;
        this.#log.warn({ bufferSize: this.#bufferSize }, 'usage buffer full: dropping usage records until the store catches up');
      }
      return;
    }
    this.#pending.push(record);
    if (this.#pending.length >= this.#batchSize && this.#storeWorks && !this.#flushing) void this.flush();
  }

  /** Writes what is buffered, batch after batch, until empty or a write fails. Never rejects. */
  flush(): Promise<void> {
    this.#flushing ??= this.#writeAll().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  status(): UsageRecorderStatus {
    return {
      buffered: this.#pending.length + this.#inFlight,
      dropped: this.#dropped,
      written: this.#written,
      failedWrites: this.#failedWrites,
      lastWriteAt: this.#lastWriteAt,
      lastError: this.#lastError,
    };
  }

  /** Stops the timer and writes what is left (once); what cannot be written is counted as dropped. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#flushing;
    await this.flush();
    const lost = this.#pending.length;
    if (lost) {
      this.#dropped += lost;
      this.#pending = [];
      this.#log.warn({ lost, dropped: this.#dropped }, 'usage records not written before shutdown');
    }
  }

  async #writeAll(): Promise<void> {
    while (this.#pending.length) {
      const batch = this.#pending.splice(0, this.#batchSize);
      this.#inFlight = batch.length;
      let converted: { rows: UsageRow[]; operations: OperationRow[] };
      try {
        converted = toRows(batch);
      } catch (error) {
        // A bug, not the store: writing the same records again would fail again.
        this.#inFlight = 0;
        this.#dropped += batch.length;
        this.#log.error({ err: error, records: batch.length }, 'usage records could not be prepared; dropped');
        continue;
      }
      try {
        await this.#store.write(converted.rows, converted.operations, this.#now());
        this.#written += batch.length;
        this.#lastWriteAt = new Date();
        this.#lastError = null;
        if (!this.#storeWorks) this.#log.info({ dropped: this.#dropped, buffered: this.#pending.length }, 'usage records are written again');
        this.#storeWorks = true;
        this.#dropping = false;
      } catch (error) {
        // Back to the front, in order: the next tick tries again.
        this.#pending = batch.concat(this.#pending);
        this.#failedWrites++;
        this.#lastError = error instanceof Error ? error.message : String(error);
        if (this.#storeWorks) this.#log.warn({ err: error, buffered: this.#pending.length }, 'usage records could not be written; keeping them in the buffer');
        this.#storeWorks = false;
        return;
      } finally {
        this.#inFlight = 0;
      }
    }
  }
}

function toRows(batch: readonly UsageRecordDraft[]): { rows: UsageRow[]; operations: OperationRow[] } {
  const operations = new Set<OperationRow>();
  const rows = batch.map((draft): UsageRow => {
    const operation = draft.executed && describeOperation(draft.executed.schema, draft.executed.document, draft.executed.operationName);
    if (operation) operations.add(operation);
    // Not executed: named, but it used no coordinates (and gets no operation row).
    const identified = !operation && draft.parsed ? identifyDocument(draft.parsed, draft.operationName) : undefined;
    return {
      atMs: draft.atMs,
      consumer: draft.consumer,
      plan: draft.plan,
      documentHash: operation?.documentHash ?? identified?.documentHash ?? null,
      operationName: operation ? operation.operationName : (identified?.operationName ?? draft.operationName),
      cost: draft.cost,
      durationMs: draft.durationMs,
      httpStatus: draft.httpStatus,
      errorCodes: [...new Set(draft.errorCodes)],
      cacheHit: draft.cacheHit,
      backends: draft.backends,
    };
  });
  return { rows, operations: [...operations] };
}
