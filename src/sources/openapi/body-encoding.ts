import { randomUUID } from 'node:crypto';
import { isRecord } from './document.js';
import { isFileValue, type FileValue } from './file-part.js';

/**
 * How one top-level property of a form or multipart body goes on the wire: the OpenAPI Encoding
 * Object of that property, with its defaults applied (OpenAPI 3.1.1 §4.8.15, "Encoding Object").
 */
export interface PropertyEncoding {
  /** `style` when the document sets one; unset means the media type's default (see the encoders). */
  style?: 'form' | 'spaceDelimited' | 'pipeDelimited' | 'deepObject';
  /** `explode`, default `true` for `form` (the spec's default style for both media types). */
  explode: boolean;
  /** `contentType` when the document sets one. */
  contentType?: string;
  /** Multipart only: the property is a file or a list of files (`format: binary`), given as `FileValue`s. */
  isFile: boolean;
}

export interface EncodedBody {
  /** The request's `content-type`, with the boundary for multipart. */
  contentType: string;
  payload: string | Buffer;
}

const defaultEncoding: PropertyEncoding = { explode: true, isFile: false };
const jsonType = /^application\/(.+\+)?json(;|$)/i;

/** `deepObject` pairs, nested the way Stripe and the `qs` library read them: `a[b][0][c]=v`. */
export function deepObjectPairs(prefix: string, value: unknown): Array<[string, string]> {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => deepObjectPairs(`${prefix}[${index}]`, item));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => deepObjectPairs(`${prefix}[${key}]`, item));
  return [[prefix, String(value)]];
}

const scalarText = (value: unknown): string => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
const delimiters = { form: ',', spaceDelimited: ' ', pipeDelimited: '|' } as const;

/**
 * The name/value pairs of one property under `style`/`explode`, as for query parameters
 * (RFC 6570 form expansion): `tags=a&tags=b` exploded, `tags=a,b` not; an exploded object's
 * members become their own pairs (`min=1&max=9`); `deepObject` nests with brackets. Values below
 * the first level are JSON text, except under `deepObject`. `null` members are left out.
 */
export function formPairs(name: string, value: unknown, encoding: PropertyEncoding): Array<[string, string]> {
  if (value === null || value === undefined) return [];
  if (encoding.style === undefined && encoding.contentType !== undefined && jsonType.test(encoding.contentType)) {
    return [[name, JSON.stringify(value)]];
  }
  const style = encoding.style ?? 'form';
  if (style === 'deepObject') return deepObjectPairs(name, value);
  if (Array.isArray(value)) {
    const items = value.filter((item) => item !== null && item !== undefined).map(scalarText);
    return encoding.explode ? items.map((item): [string, string] => [name, item]) : [[name, items.join(delimiters[style])]];
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== null && item !== undefined);
    if (encoding.explode) return entries.map(([key, item]) => [key, scalarText(item)]);
    return [[name, entries.flatMap(([key, item]) => [key, scalarText(item)]).join(delimiters[style])]];
  }
  return [[name, String(value)]];
}

/** An `application/x-www-form-urlencoded` body: each property of `value` encoded by its `encodings` entry. */
export function encodeFormBody(value: Readonly<Record<string, unknown>>, encodings: ReadonlyMap<string, PropertyEncoding>): EncodedBody {
  const pairs = Object.entries(value).flatMap(([name, item]) => formPairs(name, item, encodings.get(name) ?? defaultEncoding));
  // URLSearchParams applies the WHATWG form encoding (space as `+`, brackets percent-encoded).
  return { contentType: 'application/x-www-form-urlencoded', payload: new URLSearchParams(pairs).toString() };
}

interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: string | Buffer;
}

/**
 * A `multipart/form-data` body (RFC 7578), one part per property: a file as its bytes with a
 * filename; an object as `application/json`; a list as one part per item (the HTML form
 * convention, which is also how OpenAPI 3.1.1 describes repeated parts); a primitive as text. A
 * property whose encoding sets a `style` (Stripe's `deepObject`) becomes one text part per pair.
 */
export function encodeMultipartBody(
  value: Readonly<Record<string, unknown>>,
  encodings: ReadonlyMap<string, PropertyEncoding>,
  boundary = `----GatehouseBoundary${randomUUID().replace(/-/g, '')}`,
): EncodedBody {
  const parts: Part[] = [];
  for (const [name, item] of Object.entries(value)) {
    if (item === null || item === undefined) continue;
    const encoding = encodings.get(name) ?? defaultEncoding;
    if (encoding.isFile) {
      for (const file of (Array.isArray(item) ? item : [item]).filter(isFileValue)) parts.push(filePart(name, file, encoding));
    } else if (encoding.style !== undefined) {
      parts.push(...formPairs(name, item, encoding).map(([pairName, text]) => ({ name: pairName, data: text })));
    } else {
      for (const one of Array.isArray(item) ? item : [item]) {
        if (one === null || one === undefined) continue;
        const isObject = typeof one === 'object';
        parts.push({
          name,
          contentType: encoding.contentType ?? (isObject ? 'application/json' : undefined),
          data: isObject ? JSON.stringify(one) : String(one),
        });
      }
    }
  }
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${escapeQuoted(part.name)}"${part.filename === undefined ? '' : `; filename="${escapeQuoted(part.filename)}"`}`;
    const headers = [`Content-Disposition: ${disposition}`, ...(part.contentType ? [`Content-Type: ${part.contentType}`] : [])];
    chunks.push(Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, payload: Buffer.concat(chunks) };
}

function filePart(name: string, file: FileValue, encoding: PropertyEncoding): Part {
  return {
    name,
    // A part without a filename is a plain field to most servers (busboy, undici, Go, Rails).
    filename: file.filename ?? name,
    contentType: file.contentType ?? encoding.contentType ?? 'application/octet-stream',
    data: Buffer.from(file.base64, 'base64'),
  };
}

/** Quoted-string escaping of the HTML standard's multipart/form-data encoder. */
function escapeQuoted(text: string): string {
  return text.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
