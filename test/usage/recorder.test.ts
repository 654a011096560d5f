import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { latencyBucketOf } from '../../src/usage/latency-buckets.js';
import { UsageRecorder, type UsageRecordDraft } from '../../src/usage/recorder.js';
import type { OperationRow, UsageRow } from '../../src/usage/types.js';

const T0 = Date.UTC(2030, 0, 15, 12, 30, 0);

const draft = (overrides: Partial<UsageRecordDraft> = {}): UsageRecordDraft => ({
  atMs: T0,
  consumer: 'alpha',
  plan: 'free',
  cost: 2,
  durationMs: 10,
  httpStatus: 200,
  errorCodes: [],
  cacheHit: false,
  backends: [{ backend: 'catalog', durationMs: 4, errorCode: null }],
  executed: null,
  parsed: parse('query Names { products { name } }'),
  operationName: 'Names',
  ...overrides,
});

/** The recorder's one seam (`UsageStore.write`), keeping what it is handed; the store's side is tested in usage-store.test.ts. */
function capturingRecorder(options: { bufferSize?: number } = {}) {
  const writes: Array<{ rows: readonly UsageRow[]; operations: readonly OperationRow[] }> = [];
  const recorder = new UsageRecorder({
    store: { write: async (rows, operations) => void writes.push({ rows: structuredClone(rows), operations }) },
    log: createLogger('silent'),
    ...options,
  });
  return { recorder, writes };
}

describe('usage recorder', () => {
  it('writes alike requests of one second as one row, with their backend calls grouped by outcome and latency', async () => {
    const { recorder, writes } = capturingRecorder();
    recorder.append(draft({ atMs: T0 + 100, durationMs: 10 }));
    recorder.append(draft({ atMs: T0 + 900, durationMs: 10.5, backends: [{ backend: 'catalog', durationMs: 3.9, errorCode: null }, { backend: 'stock', durationMs: 30, errorCode: 'BACKEND_TIMEOUT' }] }));
    // Another latency bucket, another second, another consumer: three more rows.
    recorder.append(draft({ atMs: T0 + 200, durationMs: 100 }));
    recorder.append(draft({ atMs: T0 + 1_000 }));
    recorder.append(draft({ atMs: T0 + 300, consumer: 'beta' }));
    expect(recorder.status()).toMatchObject({ buffered: 5, dropped: 0 });
    await recorder.flush();

    expect(writes).toHaveLength(1);
    const rows = writes[0]!.rows;
    expect(rows.map((row) => [row.consumer, row.atMs - T0, row.requests, row.latencyBucket])).toEqual([
      ['alpha', 100, 2, latencyBucketOf(10)],
      ['alpha', 200, 1, latencyBucketOf(100)],
      ['alpha', 1_000, 1, latencyBucketOf(10)],
      ['beta', 300, 1, latencyBucketOf(10)],
    ]);
    expect(rows[0]).toMatchObject({ lastAtMs: T0 + 900, durationSumMs: 20.5, operationName: 'Names', documentHash: expect.stringMatching(/^sha256:/) });
    expect(rows[0]!.backends).toEqual([
      { backend: 'catalog', errorCode: null, latencyBucket: latencyBucketOf(4), calls: 2, durationSumMs: 7.9 },
      { backend: 'stock', errorCode: 'BACKEND_TIMEOUT', latencyBucket: latencyBucketOf(30), calls: 1, durationSumMs: 30 },
    ]);
    expect(recorder.status()).toMatchObject({ buffered: 0, written: 5 });
  });

  it('bounds the buffer by rows: a request joining a row always fits, one needing a new row beyond it is dropped', async () => {
    const { recorder, writes } = capturingRecorder({ bufferSize: 3 });
    recorder.append(draft({ consumer: 'a' }));
    recorder.append(draft({ consumer: 'b' }));
    recorder.append(draft({ consumer: 'a' }));
    // The third row fills the buffer and a batch: it is being written, and holds the buffer until it is.
    recorder.append(draft({ consumer: 'c' }));
    recorder.append(draft({ consumer: 'd' }));
    expect(recorder.status()).toMatchObject({ buffered: 4, dropped: 1 });
    await recorder.flush();
    expect(writes.flatMap((write) => write.rows.map((row) => [row.consumer, row.requests]))).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    expect(recorder.status()).toMatchObject({ buffered: 0, dropped: 1, written: 4 });
  });
});
