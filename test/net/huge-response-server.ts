import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listen } from '../../subgraphs/lib/serve.js';

export interface HugeResponseOptions {
  /** Size of the answer to `GET /huge`, in bytes. */
  totalBytes: number;
  /** Send `content-length` (else the answer is chunked, so only counting can stop it). @default false */
  declareLength?: boolean;
  /** Status of the `/huge` answer. @default 200 */
  status?: number;
}

/** How one `/huge` answer ended, seen from the server. */
export interface HugeAnswer {
  /** Bytes handed to the socket before it closed. */
  bytesWritten: number;
  /** Whether the whole body was written (false: the client hung up first). */
  finished: boolean;
}

export interface HugeResponseServer extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** One promise per `/huge` request so far, settled when that response's socket closes. */
  readonly answers: ReadonlyArray<Promise<HugeAnswer>>;
  /** Requests to `/small` answered so far. */
  readonly smallCount: number;
  close(): Promise<void>;
}

const chunk = Buffer.alloc(64 * 1024, 'x');

/**
 * A backend that answers `GET /huge` with `totalBytes` of JSON-looking text, written only as fast as
 * the client reads it (it waits for `drain`), and `GET /small` with `{"ok":true}`. Because it honours
 * back-pressure, `bytesWritten` shows how much the client really pulled, plus what the kernel buffers.
 */
export async function startHugeResponseServer({ totalBytes, declareLength = false, status = 200 }: HugeResponseOptions): Promise<HugeResponseServer> {
  const answers: Array<Promise<HugeAnswer>> = [];
  let smallCount = 0;
  const server = createServer((req, res) => {
    req.resume();
    if (req.url === '/small') {
      smallCount++;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      return;
    }
    answers.push(writeHuge(res, { totalBytes, declareLength, status }));
  });
  await listen(server, 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  const close = () => closeServer(server);
  return {
    url: `http://127.0.0.1:${port}`,
    get answers() {
      return answers;
    },
    get smallCount() {
      return smallCount;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function writeHuge(res: ServerResponse, { totalBytes, declareLength, status }: Required<HugeResponseOptions>): Promise<HugeAnswer> {
  return new Promise((resolve) => {
    let bytesWritten = 0;
    let closed = false;
    res.once('close', () => {
      closed = true;
      resolve({ bytesWritten, finished: res.writableFinished });
    });
    res.writeHead(status, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(totalBytes) } : {}) });
    const pump = (): void => {
      while (!closed && bytesWritten < totalBytes) {
        const piece = totalBytes - bytesWritten >= chunk.length ? chunk : chunk.subarray(0, totalBytes - bytesWritten);
        bytesWritten += piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    pump();
  });
}
