import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Logger } from '../log.js';
import { latencyBucketOf } from './latency-buckets.js';
import { describeOperation, identifyDocument } from './operations.js';
import type { BackendCall, BackendCallGroup, OperationRow, UsageRow, UsageStore } from './types.js';

/** One operation as the request path hands it over: references and numbers only, nothing computed. */
export interface UsageRecordDraft {
  /** When the request arrived, in ms since the epoch. */
  atMs: number;
  consumer: string | null;
  plan: string | null;
  /** Cost points the operation was charged; null when it was not admitted or not priced. */
  cost: number | null;
  durationMs: number;
  httpStatus: number;
  errorCodes: readonly string[];
  cacheHit: boolean;
  backends: readonly BackendCall[];
  /** The executed document and the schema it was validated against; null when nothing was executed. */
  executed: { schema: GraphQLSchema; document: DocumentNode; operationName: string | null } | null;
  /** A document that was parsed but not executed (it failed validation), for its hash and name. */
  parsed?: DocumentNode | null;
  /** The operation name the request gave, for records of operations that were not executed. */
  operationName: string | null;
}

export interface UsageRecorderStatus {
  /** Requests whose records wait to be written (or are being written). */
  buffered: number;
  /** Requests whose records were dropped because the buffer was full (the store falling behind or down), since start. */
  dropped: number;
  /** Requests whose records were written. */
  written: number;
  failedWrites: number;
  lastWriteAt: Date | null;
  /** The last write's failure while it is not followed by a success. */
  lastError: string | null;
}

export interface UsageRecorderOptions {
  store: Pick<UsageStore, 'write'>;
  log: Logger;
  /**
   * Rows held in memory, waiting or being written (alike requests of one second share a row);
   * past it the requests that would need a new row are dropped and counted. @default 10000
   */
  bufferSize?: number;
  /** How often the buffer is written, in ms. @default 1000 */
  flushIntervalMs?: number;
  /** Rows in one write (one transaction); a full batch is written at once, without waiting for the interval. @default 1000 */
  batchSize?: number;
  /** Clock in ms since the epoch (the operations' `last seen`). @default Date.now */
  now?: () => number;
}

/** A row being filled: the operation it names goes with it, written once per batch. */
interface PendingRow {
  row: UsageRow & { backends: BackendCallGroup[] };
  operation: OperationRow | null;
}

/**
 * The buffer between the request path and the store. `append` is all a request pays: its record
 * is added to the row of alike requests of the same second (a map lookup and a few additions), or
 * starts one. Writes happen on a timer (or as soon as a batch of rows is full), one at a time; a
 * failed batch goes back into the buffer and waits for the next tick, so a store that is down costs
 * one attempt per interval. Memory is bounded by `bufferSize` rows; past it, requests that would
 * need a new row are dropped and counted. Under a steady load most requests join a row: the store
 * writes a few rows a second, not one per request, and the records die young in the heap.
 */
export class UsageRecorder {
  readonly #store: Pick<UsageStore, 'write'>;
  readonly #log: Logger;
  readonly #bufferSize: number;
  readonly #batchSize: number;
  readonly #flushIntervalMs: number;
  readonly #now: () => number;
  #pending = new Map<string, PendingRow>();
  #pendingRequests = 0;
  #inFlightRows = 0;
  #inFlightRequests = 0;
  #dropped = 0;
  #written = 0;
  #failedWrites = 0;
  #lastWriteAt: Date | null = null;
  #lastError: string | null = null;
  /** False from a failed write to the next successful one: no early writes meanwhile. */
  #storeWorks = true;
  #dropping = false;
  #failedToDescribe = false;
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

  append(draft: UsageRecordDraft): void {
    if (this.#closed) {
      this.#dropped++;
      return;
    }
    let described: Described;
    try {
      described = describe(draft);
    } catch (error) {
      // A bug, not the store: the request was served; its record is lost and counted.
      this.#dropped++;
      if (!this.#failedToDescribe) this.#log.error({ err: error }, 'a usage record could not be prepared; dropped');
      this.#failedToDescribe = true;
      return;
    }
    const latencyBucket = latencyBucketOf(draft.durationMs);
    const errorCodes = draft.errorCodes.length > 1 ? [...new Set(draft.errorCodes)] : draft.errorCodes;
    const key = rowKey(draft, described, latencyBucket, errorCodes);
    let pending = this.#pending.get(key);
    if (!pending) {
      if (this.#pending.size + this.#inFlightRows >= this.#bufferSize) {
        this.#dropped++;
        if (!this.#dropping) {
          this.#dropping = true;
          this.#log.warn({ bufferSize: this.#bufferSize }, 'usage buffer full: dropping usage records until the store catches up');
        }
        return;
      }
      pending = {
        row: {
          atMs: draft.atMs,
          lastAtMs: draft.atMs,
          requests: 0,
          consumer: draft.consumer,
          plan: draft.plan,
          documentHash: described.documentHash,
          operationName: described.operationName,
          cost: draft.cost,
          durationSumMs: 0,
          latencyBucket,
          httpStatus: draft.httpStatus,
          errorCodes,
          cacheHit: draft.cacheHit,
          backends: [],
        },
        operation: described.operation,
      };
      this.#pending.set(key, pending);
    }
    const { row } = pending;
    row.requests++;
    row.durationSumMs += draft.durationMs;
    if (draft.atMs > row.lastAtMs) row.lastAtMs = draft.atMs;
    for (const call of draft.backends) addCall(row.backends, call);
    this.#pendingRequests++;
    if (this.#pending.size >= this.#batchSize && this.#storeWorks && !this.#flushing) void this.flush();
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
      buffered: this.#pendingRequests + this.#inFlightRequests,
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
    const lost = this.#pendingRequests;
    if (lost) {
      this.#dropped += lost;
      this.#pending.clear();
      this.#pendingRequests = 0;
      this.#log.warn({ lost, dropped: this.#dropped }, 'usage records not written before shutdown');
    }
  }

  async #writeAll(): Promise<void> {
    while (this.#pending.size) {
      const batch = this.#takeBatch();
      const rows = batch.map(([, pending]) => pending.row);
      const operations = new Set<OperationRow>();
      for (const [, pending] of batch) if (pending.operation) operations.add(pending.operation);
      const requests = rows.reduce((sum, row) => sum + row.requests, 0);
      this.#inFlightRows = batch.length;
      this.#inFlightRequests = requests;
      try {
        await this.#store.write(rows, [...operations], this.#now());
        this.#written += requests;
        this.#lastWriteAt = new Date();
        this.#lastError = null;
        if (!this.#storeWorks) this.#log.info({ dropped: this.#dropped, buffered: this.#pendingRequests }, 'usage records are written again');
        this.#storeWorks = true;
        this.#dropping = false;
      } catch (error) {
        // Back into the buffer (rows of the same key filled meanwhile absorb them): the next tick tries again.
        this.#putBack(batch);
        this.#failedWrites++;
        this.#lastError = error instanceof Error ? error.message : String(error);
        if (this.#storeWorks) this.#log.warn({ err: error, buffered: this.#pendingRequests }, 'usage records could not be written; keeping them in the buffer');
        this.#storeWorks = false;
        return;
      } finally {
        this.#inFlightRows = 0;
        this.#inFlightRequests = 0;
      }
    }
  }

  /** The oldest `batchSize` rows, out of the buffer. */
  #takeBatch(): Array<[string, PendingRow]> {
    const batch: Array<[string, PendingRow]> = [];
    for (const entry of this.#pending) {
      if (batch.length >= this.#batchSize) break;
      batch.push(entry);
    }
    for (const [key, pending] of batch) {
      this.#pending.delete(key);
      this.#pendingRequests -= pending.row.requests;
    }
    return batch;
  }

  #putBack(batch: ReadonlyArray<[string, PendingRow]>): void {
    // First in the buffer again, as they were.
    const merged = new Map(batch);
    for (const [key, pending] of this.#pending) {
      const earlier = merged.get(key);
      if (earlier) mergeRow(earlier.row, pending.row);
      else merged.set(key, pending);
    }
    this.#pending = merged;
    this.#pendingRequests += batch.reduce((sum, [, pending]) => sum + pending.row.requests, 0);
  }
}

interface Described {
  documentHash: string | null;
  operationName: string | null;
  operation: OperationRow | null;
}

/** The operation's hash and name, and its description when it was executed: once per (schema, document). */
function describe(draft: UsageRecordDraft): Described {
  const operation = draft.executed && describeOperation(draft.executed.schema, draft.executed.document, draft.executed.operationName);
  if (operation) return { documentHash: operation.documentHash, operationName: operation.operationName, operation };
  // Not executed: named, but it used no coordinates (and gets no operation row).
  const identified = draft.parsed ? identifyDocument(draft.parsed, draft.operationName) : undefined;
  return { documentHash: identified?.documentHash ?? null, operationName: identified ? identified.operationName : draft.operationName, operation: null };
}

/** What makes requests alike: everything a row stores but its counts, its sums and the backends. */
function rowKey(draft: UsageRecordDraft, described: Described, latencyBucket: number, errorCodes: readonly string[]): string {
  return `${Math.floor(draft.atMs / 1_000)}\n${draft.consumer ?? ''}\n${draft.plan ?? ''}\n${described.documentHash ?? ''}\n${described.operationName ?? ''}\n${draft.cost ?? ''}\n${latencyBucket}\n${draft.httpStatus}\n${draft.cacheHit ? 1 : 0}\n${errorCodes.join(',')}`;
}

function addCall(groups: BackendCallGroup[], call: BackendCall): void {
  addCallGroup(groups, { backend: call.backend, errorCode: call.errorCode, latencyBucket: latencyBucketOf(call.durationMs), calls: 1, durationSumMs: call.durationMs });
}

function addCallGroup(groups: BackendCallGroup[], added: BackendCallGroup): void {
  const same = groups.find((each) => each.backend === added.backend && each.errorCode === added.errorCode && each.latencyBucket === added.latencyBucket);
  if (!same) {
    groups.push({ ...added });
    return;
  }
  same.calls += added.calls;
  same.durationSumMs += added.durationSumMs;
}

function mergeRow(into: PendingRow['row'], from: UsageRow): void {
  into.requests += from.requests;
  into.durationSumMs += from.durationSumMs;
  into.atMs = Math.min(into.atMs, from.atMs);
  into.lastAtMs = Math.max(into.lastAtMs, from.lastAtMs);
  for (const group of from.backends) addCallGroup(into.backends, group);
}
