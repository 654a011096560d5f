import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FetchAPI, Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

export interface ResponseCompressionOptions {
  /** Bodies smaller than this are sent as they are: compressing them costs more than it saves. @default 1024 */
  minBytes?: number;
  /** gzip level, 1 (fast) – 9 (small). @default 5 */
  gzipLevel?: number;
  /** Brotli quality, 0 – 11; dynamic answers want a low one. @default 4 */
  brotliQuality?: number;
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

// Media types worth compressing; images and archives are compressed already.
const COMPRESSIBLE = /^(text\/|application\/(json|graphql-response\+json|javascript|xml)|image\/svg\+xml)/i;

type Encoding = 'br' | 'gzip';

/**
 * Compresses answers the client accepts compressed (`Accept-Encoding`, q-values honoured: `br`
 * or `gzip`), on zlib's thread pool. Large bodies sent again and again (GraphiQL's page, ~9 MB)
 * are compressed once. Requests are never decompressed: a compressed request body would slip
 * past the body-size limit counted on the wire.
 */
export function useResponseCompression({ minBytes = 1024, gzipLevel = 5, brotliQuality = 4 }: ResponseCompressionOptions = {}): Plugin {
  const compress = (encoding: Encoding, body: Buffer) =>
    encoding === 'br'
      ? brotliAsync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: brotliQuality, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
      : gzipAsync(body, { level: gzipLevel });
  // Only bodies of 256 KiB and more, by their text: static pages, not GraphQL results.
  const large = new LRUCache<string, Buffer>({ maxSize: 64 * 1024 * 1024, sizeCalculation: (value, key) => value.length + key.length });

  return {
    // Synchronous until there is a body to compress: most answers here are not.
    onResponse({ request, response, setResponse, fetchAPI }) {
      const encoding = preferredEncoding(request.headers.get('accept-encoding'));
      if (!encoding || !response.body || response.headers.has('content-encoding')) return;
      if (response.status === 204 || response.status === 304 || !COMPRESSIBLE.test(response.headers.get('content-type') ?? '')) return;
      const declared = Number(response.headers.get('content-length') ?? Number.NaN);
      if (declared < minBytes) {
        response.headers.append('vary', 'accept-encoding');
        return;
      }
      return compressResponse(encoding, response, setResponse, fetchAPI);
    },
  };

  async function compressResponse(encoding: Encoding, response: Response, setResponse: (response: Response) => void, fetchAPI: FetchAPI): Promise<void> {
    const text = await response.text();
    // Copied name by name, in lower case: the Fetch ponyfill's Headers keeps the case it was
    // given and a copied `Content-Type` would not stop a new Response from adding its own.
    const headers = new fetchAPI.Headers();
    response.headers.forEach((value, name) => headers.append(name.toLowerCase(), value));
    headers.append('vary', 'accept-encoding');
    const raw = Buffer.from(text, 'utf8');
    if (raw.length < minBytes) {
      setResponse(new fetchAPI.Response(text, { status: response.status, statusText: response.statusText, headers }));
      return;
    }
    const cacheKey = raw.length >= 256 * 1024 ? `${encoding}:${text}` : undefined;
    let compressed = cacheKey ? large.get(cacheKey) : undefined;
    if (!compressed) {
      compressed = await compress(encoding, raw);
      if (cacheKey) large.set(cacheKey, compressed);
    }
    headers.set('content-encoding', encoding);
    headers.set('content-length', String(compressed.length));
    // A Buffer is a BodyInit at run time; the Fetch typings here only know the DOM kinds.
    setResponse(new fetchAPI.Response(compressed as unknown as BodyInit, { status: response.status, statusText: response.statusText, headers }));
  }
}

/** The accepted encoding we prefer, by q-value then br over gzip; `identity` or nothing: none. */
export function preferredEncoding(acceptEncoding: string | null): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  let best: { encoding: Encoding; q: number } | undefined;
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    const encoding: Encoding | undefined = name === 'br' ? 'br' : name === 'gzip' || name === 'x-gzip' || name === '*' ? 'gzip' : undefined;
    if (!encoding) continue;
    if (!best || q > best.q || (q === best.q && encoding === 'br')) best = { encoding, q };
  }
  return best?.encoding;
}
