import type { UsagePruneHorizons, UsageSegmentQuery, UsageSource } from './types.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** How long each resolution is kept, in ms; each at least as long as the finer one before it. */
export interface UsageRetention {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
  dayMs: number;
}

export function usageRetention({ rawHours, minuteDays, hourDays, dayDays }: { rawHours: number; minuteDays: number; hourDays: number; dayDays: number }): UsageRetention {
  return { rawMs: rawHours * HOUR_MS, minuteMs: minuteDays * DAY_MS, hourMs: hourDays * DAY_MS, dayMs: dayDays * DAY_MS };
}

const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;

/**
 * Where each resolution takes over at `nowMs`: raw records from `raw` on, minute rollups from
 * `minute` up to `raw`, hour rollups from `hour` up to `minute`, day rollups before `hour` (back to
 * `day`). Each is aligned to the coarser resolution's period, so no period is split between two.
 */
export function horizonsAt(retention: UsageRetention, nowMs: number): { raw: number; minute: number; hour: number; day: number } {
  const raw = floorTo(nowMs - retention.rawMs, MINUTE_MS);
  const minute = floorTo(Math.min(nowMs - retention.minuteMs, raw), HOUR_MS);
  const hour = floorTo(Math.min(nowMs - retention.hourMs, minute), DAY_MS);
  const day = floorTo(nowMs - retention.dayMs, DAY_MS);
  return { raw, minute, hour, day };
}

/** What the retention job deletes at `nowMs`: whatever a query at that time no longer reads. */
export function pruneHorizonsAt(retention: UsageRetention, nowMs: number): UsagePruneHorizons {
  const { raw, minute, hour, day } = horizonsAt(retention, nowMs);
  return { rawBeforeMs: raw, minuteBeforeMs: minute, hourBeforeMs: hour, dayBeforeMs: day, operationsBeforeMs: day };
}

export type SegmentShape = Omit<UsageSegmentQuery, 'dimensions' | 'intervalMs' | 'filter'>;

/**
 * The time range [fromMs, toMs) split by source, finest first where it exists. Raw records count
 * from the raw horizon on, and before it while they are not rolled up yet, so each record is
 * counted once, from the raw table or from the rollups. A period kept only as a rollup counts
 * whole when it overlaps the range (a range starting at 10:30 that only hour rollups cover counts
 * from 10:00): for "was this used since…" questions an answer a little too wide is the safe one.
 */
export function segmentsOf(retention: UsageRetention, nowMs: number, fromMs: number, toMs: number): SegmentShape[] {
  const h = horizonsAt(retention, nowMs);
  const segments: SegmentShape[] = [];
  const add = (source: UsageSource, from: number, to: number) => {
    if (from < to) segments.push({ source, fromMs: from, toMs: to, rawHorizonMs: h.raw });
  };
  add('day', floorTo(fromMs, DAY_MS), Math.min(toMs, h.hour));
  add('hour', Math.max(floorTo(fromMs, HOUR_MS), h.hour), Math.min(toMs, h.minute));
  add('minute', Math.max(floorTo(fromMs, MINUTE_MS), h.minute), Math.min(toMs, h.raw));
  add('raw', fromMs, toMs);
  return segments;
}

/**
 * The UTC calendar day or month containing `nowMs`, as the quota counters of the request path
 * count it (`request-path/limits/quota-counter.ts`).
 */
export function quotaPeriodBounds(period: 'DAY' | 'MONTH', nowMs: number): { startMs: number; endMs: number } {
  const date = new Date(nowMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  if (period === 'MONTH') return { startMs: Date.UTC(year, month, 1), endMs: Date.UTC(year, month + 1, 1) };
  const day = date.getUTCDate();
  return { startMs: Date.UTC(year, month, day), endMs: Date.UTC(year, month, day + 1) };
}
