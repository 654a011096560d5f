/**
 * Fixed latency buckets, so histograms of any two periods (or instances) add up: bucket 0 holds
 * durations up to 1 ms, bucket k (1–64) those in (2^((k-1)/4), 2^(k/4)] ms, and bucket 65 everything
 * above 2^16 ms (65.5 s). Each bound is 2^¼ ≈ 1.19 times the one before, so a percentile read from a
 * histogram lies within its bucket: at most 19% away from the true value (above 1 ms; below it,
 * within 1 ms). A leaf: the store imports it.
 */

export const LATENCY_BUCKET_COUNT = 66;
const STEPS_PER_DOUBLING = 4;
const LAST = LATENCY_BUCKET_COUNT - 1;

/** The bucket of a duration in ms. */
export function latencyBucketOf(durationMs: number): number {
  if (!(durationMs > 1)) return 0;
  return Math.min(LAST, Math.ceil(STEPS_PER_DOUBLING * Math.log2(durationMs) - 1e-9));
}

/** [lower, upper] bounds of a bucket in ms; the last one's upper bound is its lower one. */
export function latencyBucketBounds(bucket: number): [number, number] {
  if (bucket <= 0) return [0, 1];
  const lower = 2 ** ((bucket - 1) / STEPS_PER_DOUBLING);
  return bucket >= LAST ? [lower, lower] : [lower, 2 ** (bucket / STEPS_PER_DOUBLING)];
}

/**
 * The q-quantile (0–1) of a histogram, interpolated linearly inside the bucket it falls in (as
 * Prometheus' `histogram_quantile` does). Null for an empty histogram.
 */
export function quantileOf(histogram: readonly number[], q: number): number | null {
  let total = 0;
  for (const count of histogram) total += count;
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let bucket = 0; bucket < histogram.length; bucket++) {
    const count = histogram[bucket] ?? 0;
    if (count > 0 && below + count >= rank) {
      const [lower, upper] = latencyBucketBounds(bucket);
      return lower + (upper - lower) * Math.max(0, rank - below) / count;
    }
    below += count;
  }
  return latencyBucketBounds(histogram.length - 1)[0];
}
