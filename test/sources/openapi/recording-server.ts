import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listen } from '../../../subgraphs/lib/serve.js';

/** One request as it arrived, bytes and all. */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent, still percent-encoded. */
  url: string;
  contentType: string | undefined;
  body: Buffer;
}

export interface RecordingServer extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  readonly requests: readonly RecordedRequest[];
  close(): Promise<void>;
}

/** A REST backend that keeps every request and answers each with `reply(request)` as JSON (200 unless said). */
export async function startRecordingServer(reply: (request: RecordedRequest) => unknown = () => ({})): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks) };
      requests.push(recorded);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply(recorded)));
    });
  });
  await listen(server, 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  const close = () => closeServer(server);
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Parses a recorded multipart body with undici's parser (fetch's `Response.formData()`), not ours. */
export function multipartOf(request: RecordedRequest): Promise<FormData> {
  return new Response(new Uint8Array(request.body), { headers: { 'content-type': request.contentType ?? '' } }).formData();
}
