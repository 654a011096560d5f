import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKET_COUNT, latencyBucketBounds, latencyBucketOf, quantileOf } from '../../src/usage/latency-buckets.js';

describe('fixed latency buckets', () => {
  it('put each duration in the bucket whose bounds hold it', () => {
    for (const durationMs of [0, 0.2, 1, 1.1, 2, 7.3, 10, 99.9, 100, 1_234, 30_000, 65_536, 120_000]) {
      const bucket = latencyBucketOf(durationMs);
      const [lower, upper] = latencyBucketBounds(bucket);
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(LATENCY_BUCKET_COUNT);
      expect(durationMs, `${durationMs} in ${bucket}`).toBeGreaterThanOrEqual(bucket === 0 ? 0 : lower);
      if (bucket < LATENCY_BUCKET_COUNT - 1) expect(durationMs).toBeLessThanOrEqual(upper);
    }
    expect(latencyBucketOf(1)).toBe(0);
    expect(latencyBucketOf(2)).toBe(4);
    expect(latencyBucketOf(1e9)).toBe(LATENCY_BUCKET_COUNT - 1);
  });

  it('read percentiles within one bucket (19%) of the true value', () => {
    // 1000 durations spread over 1 ms – 5 s.
    const durations = Array.from({ length: 1_000 }, (_, i) => 1 + (i * i) / 200);
    const histogram = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
    for (const durationMs of durations) histogram[latencyBucketOf(durationMs)]!++;
    const sorted = [...durations].sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      const estimate = quantileOf(histogram, q)!;
      expect(Math.abs(estimate - exact) / exact, `p${q * 100}`).toBeLessThan(0.19);
    }
    expect(quantileOf(new Array<number>(LATENCY_BUCKET_COUNT).fill(0), 0.5)).toBeNull();
  });

  it('add up: the histogram of two periods is the sum of theirs', () => {
    const a = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
    const b = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
    for (const d of [3, 5, 8]) a[latencyBucketOf(d)]!++;
    for (const d of [300, 500]) b[latencyBucketOf(d)]!++;
    const all = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
    for (const d of [3, 5, 8, 300, 500]) all[latencyBucketOf(d)]!++;
    expect(a.map((count, i) => count + b[i]!)).toEqual(all);
    expect(Math.abs(quantileOf(all, 0.5)! - 8) / 8).toBeLessThan(0.19);
  });
});
