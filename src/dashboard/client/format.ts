// How numbers and times read on the page: the browser's locale and time zone.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const shortDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

export const DASH = '—';

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : integer.format(value);
}

/** Cost points are sums of whole points, but a plan's quota may leave fractions. */
export function formatPoints(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : oneDecimal.format(value);
}

export function formatRate(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : percent.format(value);
}

/** Milliseconds: one decimal below 100 ms, whole ones above. */
export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  return `${value < 100 ? oneDecimal.format(value) : integer.format(value)} ms`;
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : DASH;
}

/** For table rows: `12/1/26, 6:20:00 PM`. */
export function formatShortDateTime(iso: string): string {
  return shortDateTime.format(new Date(iso));
}

export function formatTime(date: Date): string {
  return time.format(date);
}

/** 60 → "60 s", 3600 → "1 h", 86400 → "1 d". */
export function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds % 60 === 0 && seconds >= 120) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** A JSON value on one line, cut to `max` characters. */
export function compactJson(value: unknown, max = 160): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
