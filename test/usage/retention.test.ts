import { describe, expect, it } from 'vitest';
import { horizonsAt, quotaPeriodBounds, segmentsOf, usageRetention } from '../../src/usage/retention.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2030, 5, 10, 15, 42, 17);
const retention = usageRetention({ rawHours: 24, minuteDays: 7, hourDays: 90, dayDays: 730 });

describe('usage retention', () => {
  it('hands over from raw to minute, hour and day rollups at aligned horizons', () => {
    expect(horizonsAt(retention, NOW)).toEqual({
      raw: Date.UTC(2030, 5, 9, 15, 42),
      minute: Date.UTC(2030, 5, 3, 15),
      hour: Date.UTC(2030, 2, 12),
      day: Date.UTC(2028, 5, 10),
    });
  });

  it('splits a range into one segment per source, raw for the recent part', () => {
    const segments = segmentsOf(retention, NOW, NOW - 30 * DAY - HOUR / 2, NOW);
    expect(segments.map((segment) => [segment.source, new Date(segment.fromMs).toISOString(), new Date(segment.toMs).toISOString()])).toEqual([
      // The first hour starts before the range and overlaps it: counted whole.
      ['hour', '2030-05-11T15:00:00.000Z', '2030-06-03T15:00:00.000Z'],
      ['minute', '2030-06-03T15:00:00.000Z', '2030-06-09T15:42:00.000Z'],
      ['raw', new Date(NOW - 30 * DAY - HOUR / 2).toISOString(), new Date(NOW).toISOString()],
    ]);
    expect(segmentsOf(retention, NOW, NOW - HOUR, NOW)).toMatchObject([{ source: 'raw' }]);
  });

  it('finds the UTC quota period', () => {
    expect(quotaPeriodBounds('MONTH', NOW)).toEqual({ startMs: Date.UTC(2030, 5, 1), endMs: Date.UTC(2030, 6, 1) });
    expect(quotaPeriodBounds('DAY', NOW)).toEqual({ startMs: Date.UTC(2030, 5, 10), endMs: Date.UTC(2030, 5, 11) });
  });
});
