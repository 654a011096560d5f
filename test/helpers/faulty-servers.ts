import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listen } from '../../subgraphs/lib/serve.js';

export interface FaultyServer extends AsyncDisposable {
  url: string;
  /** Requests received so far. */
  readonly requestCount: number;
  close(): Promise<void>;
}

async function serveRaw(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<FaultyServer> {
  let requestCount = 0;
  const server = createServer((req, res) => {
    requestCount++;
    handler(req, res);
  });
  await listen(server, 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  const close = () => closeServer(server);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    get requestCount() {
      return requestCount;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Accepts requests and never answers: only a timeout gets the caller out. */
export function startHangingServer(): Promise<FaultyServer> {
  return serveRaw((req) => req.resume());
}

/** Answers every request with an HTML page, as a misrouted proxy or a login wall would. */
export function startHtmlServer(status = 200): Promise<FaultyServer> {
  return serveRaw((req, res) => {
    req.resume();
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end('<html><body><h1>Welcome to nginx!</h1><p>internal-host-10.0.0.7</p></body></html>');
  });
}

/** Answers JSON that is not a GraphQL result. */
export function startNonGraphQLJsonServer(): Promise<FaultyServer> {
  return serveRaw((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ hello: 'world' }));
  });
}

/**
 * Answers a GraphQL result padded to about `megabytes` MB, streamed without a content-length (so
 * only counting what arrives can stop it). `bytesWritten` shows how much the caller let through.
 */
export async function startHugeAnswerServer(megabytes: number): Promise<FaultyServer & { readonly bytesWritten: number }> {
  let bytesWritten = 0;
  const chunk = `"${'x'.repeat(64 * 1024 - 3)}",`;
  const server = await serveRaw((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data":{"_entities":[],"padding":[');
    let remaining = Math.ceil((megabytes * 1024 * 1024) / chunk.length);
    const writeMore = () => {
      while (remaining > 0) {
        remaining--;
        bytesWritten += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', writeMore);
      }
      res.end('""]}}');
    };
    res.on('close', () => (remaining = 0));
    writeMore();
  });
  return Object.defineProperty(server, 'bytesWritten', { get: () => bytesWritten }) as FaultyServer & { readonly bytesWritten: number };
}
