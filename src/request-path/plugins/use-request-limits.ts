import type { Plugin } from 'graphql-yoga';
import { queryTooComplex } from '../../errors.js';

export interface RequestLimitsOptions {
  /** Request body size, in bytes (Apollo Router's `limits.http_max_request_bytes` default). @default 2000000 */
  maxBodyBytes?: number;
  /** Length of a GET request's query string (`?query=…&variables=…`), in bytes. @default 8192 */
  maxGetQueryBytes?: number;
  /** Operations in one batched request. @default 10 */
  maxBatchOperations?: number;
}

// Only a single non-negative integer is a valid Content-Length (RFC 9110 §8.6); Node has already
// refused anything else, so a value that doesn't match simply isn't trusted for the early check.
const CONTENT_LENGTH = /^\d+$/;

/**
 * Limits on the HTTP request, checked before the body is parsed: a declared
 * `Content-Length` over the limit is refused before a byte is read, and a body
 * without one (chunked) is counted as it streams and abandoned at the limit.
 * All `QUERY_TOO_COMPLEX` (400) with `limit` and `max`.
 */
export function useRequestLimits({
  maxBodyBytes = 2_000_000,
  maxGetQueryBytes = 8_192,
  maxBatchOperations = 10,
}: RequestLimitsOptions = {}): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (request.method === 'GET') {
        const queryStart = request.url.indexOf('?');
        // Percent-encoded, so characters are bytes.
        const bytes = queryStart === -1 ? 0 : request.url.length - queryStart - 1;
        if (bytes > maxGetQueryBytes) throw queryTooComplex('getQueryBytes', bytes, maxGetQueryBytes);
      } else {
        const declared = request.headers.get('content-length');
        const hasLength = declared !== null && CONTENT_LENGTH.test(declared);
        if (hasLength && Number(declared) > maxBodyBytes) throw bodyTooLarge(Number(declared), maxBodyBytes);
        // With a Content-Length, Node's HTTP parser delivers exactly that many bytes: only a chunked
        // body needs counting as it streams (which costs a transform stream per request).
        const body = hasLength ? null : request.body;
        if (requestParser && body) {
          const parse = requestParser;
          setRequestParser(async (req) => {
            const limited = withBodyLimit(req, body, maxBodyBytes, fetchAPI);
            try {
              return await parse(limited.request);
            } catch (error) {
              // Parsers may wrap a failed read ("invalid JSON"); the limit is the real reason.
              throw limited.exceeded() ?? error;
            }
          });
        }
      }
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult) && requestParserResult.length > maxBatchOperations) {
            throw queryTooComplex('batchOperations', requestParserResult.length, maxBatchOperations);
          }
        },
      };
    },
  };
}

/**
 * The rest of a refused body is never read, so the connection can't carry another request:
 * `Connection: close` makes Node close it after the answer and tells the client not to reuse it.
 */
function bodyTooLarge(bytes: number, maxBytes: number) {
  const error = queryTooComplex('bodyBytes', bytes, maxBytes);
  const http = error.extensions['http'] as { headers?: Record<string, string> };
  http.headers = { ...http.headers, connection: 'close' };
  return error;
}

type FetchAPI = Parameters<NonNullable<Plugin['onRequestParse']>>[0]['fetchAPI'];

/** The same request, its body counted as it is read and failed at the first byte over the limit. */
function withBodyLimit(request: Request, body: ReadableStream<Uint8Array>, maxBytes: number, fetchAPI: FetchAPI) {
  // Node's own streams and the whatwg-node ponyfill don't mix: pipe through the matching kind.
  const TransformStreamClass = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let bytes = 0;
  let refusal: Error | undefined;
  const counted = body.pipeThrough(
    new TransformStreamClass<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes <= maxBytes) return controller.enqueue(chunk);
        refusal ??= bodyTooLarge(bytes, maxBytes);
        controller.error(refusal);
      },
    }),
  );
  const limited = new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: counted,
    // Required by the Fetch API for a streamed request body.
    duplex: 'half',
  } as RequestInit);
  return { request: limited, exceeded: () => refusal };
}
