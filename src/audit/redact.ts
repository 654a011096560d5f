import { createHash } from 'node:crypto';

/** Longest string kept whole in an audit entry; longer ones (SDL, OpenAPI and trusted documents) are shortened. */
export const MAX_AUDIT_STRING = 200;
const SHORTENED_TO = 80;

export const REDACTED = '[redacted]';

/** Properties whose value is a credential wherever they appear. */
const SECRET_KEYS = new Set(['key', 'keyhash', 'token', 'secret', 'password', 'apikey', 'authorization', 'value']);

/**
 * A copy of `value` fit for the audit log: header values (`headers: [{ name, value }]` or
 * `headers: { name: value }`), keys, tokens and passwords replaced by `[redacted]`, a URL's query
 * string (it may carry a token) replaced too, and strings longer than 200 characters (SDL,
 * documents) cut to their first 80 characters with their length and SHA-256, so two versions can
 * still be told apart. Dates become ISO strings; functions and undefined go.
 */
export function redactForAudit(value: unknown): unknown {
  return redact(value, undefined);
}

function redact(value: unknown, key: string | undefined): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (key !== undefined && SECRET_KEYS.has(key.toLowerCase()) && typeof value !== 'object') return REDACTED;
  if (typeof value === 'string') return redactString(value, key);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  // A malformed DateTime argument arrives as an invalid Date (and is refused by the resolver).
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Array.isArray(value)) return value.map((item) => redact(item, key === 'headers' ? 'header' : undefined));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
      if (entry === undefined || typeof entry === 'function') continue;
      // A backend record's headers: { "x-token": "…" }, names kept, values never.
      if (key === 'headers' && !Array.isArray(value)) {
        out[name] = REDACTED;
        continue;
      }
      out[name] = redact(entry, name);
    }
    return out;
  }
  return String(value);
}

function redactString(text: string, key: string | undefined): string {
  if ((key === 'url' || key === 'openapi' || key === 'openapiUrl' || key === 'documentUrl') && /^https?:\/\//i.test(text)) {
    const query = text.indexOf('?');
    if (query !== -1) text = `${text.slice(0, query)}?${REDACTED}`;
  }
  if (text.length <= MAX_AUDIT_STRING) return text;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return `${text.slice(0, SHORTENED_TO)}… (${text.length} characters, sha256:${hash}…)`;
}
