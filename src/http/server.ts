import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { routeNotFound } from '../errors.js';
import type { ServedGraph } from '../graph/generation.js';
import type { Logger } from '../log.js';
import type { HttpTelemetry } from '../telemetry/telemetry.js';
import { createClientAddressResolver, type ClientAddressOptions } from './client-address.js';
import type { ServerContext } from './context.js';
import { requestIdFrom } from './request-id.js';
import { sendGraphQLError, sendJson } from './responses.js';

type YogaHandler = (req: IncomingMessage, res: ServerResponse, context: ServerContext) => unknown;

/** A page served beside the GraphQL servers (the dashboard): the paths it owns, and how it answers them. */
export interface PageRoute {
  handles(path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, path: string, context: ServerContext): unknown;
}

export interface HttpRoutes {
  graphql: YogaHandler;
  admin: YogaHandler;
  /** The dashboard at /admin (its assets under /admin/assets/). @default none: those paths are 404s */
  dashboard?: PageRoute;
  served: ServedGraph;
  log: Logger;
  /** Trusted proxies and their forwarding header: where the client address comes from. @default the peer's */
  clientAddress?: ClientAddressOptions;
  /** Access lines, metrics and traces of GraphQL requests, and /metrics on this port. @default none */
  telemetry?: HttpTelemetry;
}

export interface GatehouseHttpServer {
  server: Server;
  /** Requests being handled right now (graceful shutdown waits for them). */
  readonly inFlight: number;
  /** Resolves once no request is in flight. */
  drained(): Promise<void>;
}

/** One HTTP server: routes by path, and gives every request an id and a child logger. */
export function createHttpServer({ graphql, admin, dashboard, served, log, clientAddress, telemetry }: HttpRoutes): GatehouseHttpServer {
  const clientAddressOf = createClientAddressResolver(clientAddress);
  let inFlight = 0;
  let waiters: Array<() => void> = [];

  const server = createServer((req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) {
        for (const resolve of waiters) resolve();
        waiters = [];
      }
    });
    const path = req.url?.split('?', 1)[0] ?? '/';
    switch (path) {
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz': {
        const current = served.current;
        return current
          ? sendJson(res, 200, { status: 'ready', version: current.version })
          : sendJson(res, 503, { status: 'no schema served' });
      }
      case '/metrics':
        if (telemetry?.serveMetrics) return telemetry.serveMetrics(req, res);
    }
    const requestId = requestIdFrom(req.headers);
    const context: ServerContext = { requestId, log: log.child({ requestId }), clientAddress: clientAddressOf(req.socket.remoteAddress, req.headers) };
    if (path === '/graphql' || path === '/admin/graphql') {
      const handler = path === '/graphql' ? graphql : admin;
      const handle = () => void handler(req, res, context);
      if (!telemetry) return handle();
      return telemetry.observe(path === '/graphql' ? 'graphql' : 'admin', path, req, res, context, handle);
    }
    // After the exact GraphQL paths: /admin/graphql is the API's, whatever the dashboard owns.
    if (dashboard?.handles(path)) return void dashboard.handle(req, res, path, context);
    sendGraphQLError(res, routeNotFound());
  });
  // Keep-alive sockets outliving a response would hold shutdown open; idle ones are closed on close().
  server.keepAliveTimeout = 5_000;

  return {
    server,
    get inFlight() {
      return inFlight;
    },
    drained() {
      return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
  };
}
