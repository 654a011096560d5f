import type { Dispatcher } from 'undici';

/** The gateway's default cap on one backend answer (`GATEHOUSE_MAX_BACKEND_RESPONSE_BYTES`): 10 MiB. */
export const DEFAULT_MAX_BACKEND_RESPONSE_BYTES = 10 * 1024 * 1024;

/** What reading a backend's response body gave: its text, or why there is none. */
export type BoundedBody =
  | { ok: true; text: string; bytes: number }
  /**
   * The body is larger than `maxBytes`: either the `content-length` header said so (nothing was
   * read) or the bytes read went past it. The stream is destroyed either way, so undici closes the
   * connection instead of reading the rest into a pool socket.
   */
  | { ok: false; reason: 'too-large'; maxBytes: number; bytesRead: number; declaredBytes: number | undefined }
  /** The stream failed while being read: reset connection, or the request's abort signal fired. */
  | { ok: false; reason: 'failed'; error: unknown; bytesRead: number };

/** The part of an undici `request()` answer this reads. */
export type ResponseBody = Pick<Dispatcher.ResponseData, 'body' | 'headers'>;

/**
 * Reads a response body as UTF-8 text, at most `maxBytes` of it. Past the limit it stops, destroys
 * the stream and answers `too-large`, so memory use is bounded by `maxBytes` plus one chunk (64 KiB)
 * whatever the backend sends. Never rejects: every outcome is in the result.
 */
export async function readBoundedBody({ body, headers }: ResponseBody, maxBytes: number): Promise<BoundedBody> {
  const declaredBytes = declaredLength(headers['content-length']);
  if (declaredBytes !== undefined && declaredBytes > maxBytes) {
    abandonBody(body);
    return { ok: false, reason: 'too-large', maxBytes, bytesRead: 0, declaredBytes };
  }
  const chunks: Buffer[] = [];
  let bytesRead = 0;
  try {
    for await (const chunk of body) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      bytesRead += buffer.length;
      if (bytesRead > maxBytes) {
        abandonBody(body);
        return { ok: false, reason: 'too-large', maxBytes, bytesRead, declaredBytes };
      }
      chunks.push(buffer);
    }
  } catch (error) {
    return { ok: false, reason: 'failed', error, bytesRead };
  }
  // Like undici's `body.text()`: UTF-8, and a byte order mark is not part of the text.
  const text = Buffer.concat(chunks, bytesRead).toString('utf8');
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, bytes: bytesRead };
}

function declaredLength(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
}

/**
 * Stops reading a body that is not wanted (too large, or an error page): undici aborts the request
 * and closes the connection rather than reading the rest. Destroying an unfinished body emits a
 * `RequestAbortedError`; that error is the one this call causes, so it is expected, not lost (undici's
 * own `body.dump()` does the same).
 */
export function abandonBody(body: ResponseBody['body']): void {
  body.on('error', () => {});
  body.destroy();
}
