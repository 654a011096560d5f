import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listen, type ServeOptions } from '../lib/serve.js';
import { createOpenApiDocument } from './openapi.js';
import { HttpError, routes, type PricingOperationId, type Reply, type Route } from './routes.js';

export type { Currency, Discount, PriceEntry, PriceTier } from './data.js';
export { prices } from './data.js';
export type { OpenApiDocument } from './openapi.js';
export type { PriceListCheck } from './price-lists.js';
export type { Quote, QuoteRequest } from './quotes.js';
export type { PricingOperationId } from './routes.js';

export interface StartPricingOptions extends ServeOptions {
  /** Largest request body accepted (`POST /quotes`, `/quotes/form`, `/price-lists`), in bytes. @default 65536 */
  maxBodyBytes?: number;
}

export interface RunningPricingService extends AsyncDisposable {
  name: 'pricing';
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`; paths are appended to it. */
  url: string;
  /** Where the OpenAPI 3.0 document is served: `${url}/openapi.json`. */
  openapiUrl: string;
  /**
   * Requests each route has answered, keyed by operationId (4xx answers included). Each read
   * returns a frozen snapshot, so a test can keep one and compare it with a later read.
   */
  readonly requestCounts: Readonly<Record<PricingOperationId, number>>;
  close(): Promise<void>;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  paramNames: string[];
}

// Templates are compiled once at module load, not per request.
const compiledRoutes: readonly CompiledRoute[] = routes.map((route) => {
  const paramNames: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    paramNames.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), paramNames };
});

/** Starts the example REST pricing service (plain node:http) and its OpenAPI document. */
export async function start({
  port = 0,
  host = '127.0.0.1',
  maxBodyBytes = 65_536,
}: StartPricingOptions = {}): Promise<RunningPricingService> {
  const counts = Object.fromEntries(routes.map((route) => [route.operationId, 0])) as Record<PricingOperationId, number>;
  // Set once listening: the document names the server's own URL, so it needs the bound port.
  let openApiDocument: unknown = undefined;

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      // Only reached if writing the response itself failed; the socket is unusable.
      res.destroy(error instanceof Error ? error : undefined);
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://pricing.invalid');
    const method = req.method ?? 'GET';
    let reply: Reply;
    try {
      const matches = compiledRoutes.flatMap((compiled) => {
        const match = compiled.pattern.exec(url.pathname);
        return match ? [{ compiled, match }] : [];
      });
      const found = matches.find(({ compiled }) => compiled.route.method === method);
      if (!found) {
        req.resume();
        if (matches.length === 0) throw new HttpError(404, 'NOT_FOUND', `No route for ${method} ${url.pathname}.`);
        const allow = matches.map(({ compiled }) => compiled.route.method).join(', ');
        reply = methodNotAllowed(method, url.pathname, allow);
      } else {
        const { compiled, match } = found;
        counts[compiled.route.operationId]++;
        const params = Object.fromEntries(compiled.paramNames.map((name, index) => [name, decodeParam(match[index + 1] ?? '')]));
        const readJson = () => readJsonBody(req, maxBodyBytes);
        const readForm = () => readFormBody(req, maxBodyBytes);
        const readMultipart = () => readMultipartBody(req, maxBodyBytes);
        if (compiled.route.method === 'GET') req.resume();
        reply = await compiled.route.handle({ params, query: url.searchParams, headers: req.headers, readJson, readForm, readMultipart, openApiDocument });
      }
    } catch (error) {
      reply = errorReply(error);
    }
    send(res, reply);
  }

  await listen(server, port, host);
  const { port: boundPort } = server.address() as AddressInfo;
  const baseUrl = `http://${host}:${boundPort}`;
  openApiDocument = createOpenApiDocument(baseUrl);
  const close = () => closeServer(server);
  return {
    name: 'pricing',
    url: baseUrl,
    openapiUrl: `${baseUrl}/openapi.json`,
    get requestCounts() {
      return Object.freeze({ ...counts });
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // A malformed escape is the client's fault: say so instead of answering 500.
    throw new HttpError(400, 'BAD_REQUEST', 'A path parameter is not valid percent-encoding.');
  }
}

function methodNotAllowed(method: string, path: string, allow: string): Reply {
  return {
    status: 405,
    headers: { allow },
    json: { error: { code: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed on ${path}; use ${allow}.` } },
  };
}

/** The request body, at most `maxBodyBytes` of it, if its media type is `expected`; else 415. */
async function readBody(req: IncomingMessage, maxBodyBytes: number, expected: string): Promise<Buffer> {
  const contentType = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== expected) {
    req.resume();
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `The request body must be ${expected}.`);
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) {
        chunks.push(chunk);
        return;
      }
      // Keep draining instead of destroying the request: destroying it would take the socket,
      // and the 413 with it.
      req.off('data', onData);
      req.resume();
      reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBodyBytes} bytes.`));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

async function readJsonBody(req: IncomingMessage, maxBodyBytes: number): Promise<unknown> {
  const text = (await readBody(req, maxBodyBytes, 'application/json')).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
  }
}

async function readFormBody(req: IncomingMessage, maxBodyBytes: number): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req, maxBodyBytes, 'application/x-www-form-urlencoded')).toString('utf8'));
}

async function readMultipartBody(req: IncomingMessage, maxBodyBytes: number): Promise<FormData> {
  const body = await readBody(req, maxBodyBytes, 'multipart/form-data');
  try {
    // undici's parser (the one behind fetch's Response.formData()), not one of ours.
    return await new Response(new Uint8Array(body), { headers: { 'content-type': req.headers['content-type']! } }).formData();
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request body is not valid multipart/form-data.');
  }
}

function errorReply(error: unknown): Reply {
  if (error instanceof HttpError) {
    const body = { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) };
    return { status: error.status, json: { error: body } };
  }
  // Anything else is a bug in this service: the client gets a masked 500, as from a real backend,
  // and the cause goes to stderr so a failing test shows it.
  process.emitWarning(error instanceof Error ? error : String(error), 'PricingServiceError');
  return { status: 500, json: { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error.' } } };
}

function send(res: ServerResponse, reply: Reply): void {
  if ('html' in reply) {
    res.writeHead(reply.status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(reply.html);
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
  res.end(JSON.stringify(reply.json));
}
