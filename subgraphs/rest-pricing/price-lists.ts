import { createHash } from 'node:crypto';
import { currencies, type Currency } from './data.js';

/** One line of an uploaded price list: `sku,amount` (amount in cents). */
export interface PriceListRow {
  sku: string;
  amount: number;
}

/** What `POST /price-lists` says about an uploaded file; nothing is stored. */
export interface PriceListCheck {
  filename: string;
  contentType: string;
  /** Size of the uploaded file, in bytes. */
  bytes: number;
  /** SHA-256 of the file, hex: shows the bytes arrived unchanged. */
  sha256: string;
  currency: Currency;
  rows: PriceListRow[];
  /** Caller's free-text note, or `null`. */
  note: string | null;
}

/** Problems with a price-list upload, one per field or line, for a 400 answer. */
export type PriceListIssue = { path: string; message: string };

/**
 * Checks a multipart price-list upload: a `file` part (CSV, `sku,amount` per line, an optional
 * `sku,amount` header) and a `currency` field. Answers the check, or the issues found.
 */
export async function checkPriceList(form: FormData): Promise<{ check: PriceListCheck } | { issues: PriceListIssue[] }> {
  const issues: PriceListIssue[] = [];
  const file = form.get('file');
  const currency = form.get('currency');
  const note = form.get('note');
  if (!(file instanceof Blob)) issues.push({ path: 'file', message: 'A file part named "file" (with a filename) is required.' });
  if (typeof currency !== 'string' || !(currencies as readonly string[]).includes(currency)) {
    issues.push({ path: 'currency', message: `Must be one of ${currencies.join(', ')}.` });
  }
  if (!(file instanceof Blob) || issues.length > 0) return { issues };
  const bytes = Buffer.from(await file.arrayBuffer());
  const rows: PriceListRow[] = [];
  const lines = bytes.toString('utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  for (const [index, line] of lines.entries()) {
    if (index === 0 && line.trim().toLowerCase() === 'sku,amount') continue;
    const match = /^\s*([^,\s]+)\s*,\s*(\d+)\s*$/.exec(line);
    if (match) rows.push({ sku: match[1]!, amount: Number(match[2]) });
    else issues.push({ path: `file:${index + 1}`, message: 'Expected "sku,amount" with a whole number of cents.' });
  }
  if (issues.length > 0) return { issues };
  return {
    check: {
      filename: file instanceof File ? file.name : 'blob',
      contentType: file.type,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      currency: currency as Currency,
      rows,
      note: typeof note === 'string' ? note : null,
    },
  };
}
