import type { IncomingMessage, ServerResponse } from 'node:http';
import { routeNotFound } from '../errors.js';
import type { ServerContext } from '../http/context.js';
import { preferredEncoding } from '../http/plugins/use-response-compression.js';
import { sendGraphQLError } from '../http/responses.js';
import type { PageRoute } from '../http/server.js';
import { ASSETS_PATH, dashboardAssets, type DashboardAsset } from './assets.js';
import { renderDashboardPage, SECURITY_HEADERS } from './page.js';

export interface DashboardOptions {
  /**
   * An admin token written into the page, which then opens without asking for one. Anyone who
   * can load the page reads it: only the demo passes one (its token is in the README). Asked per
   * page view. @default none: the page asks for the token
   */
  adminToken?: () => string | undefined;
}

const PAGE_PATHS = new Set(['/admin', '/admin/']);

/**
 * The dashboard at /admin: one HTML page and its script and stylesheet (uPlot bundled in), all
 * from this process. It holds no data, so it is served without the admin token; the page asks
 * the admin API (`/admin/graphql`) for everything, sending the token the user enters.
 */
export function createDashboard({ adminToken }: DashboardOptions = {}): PageRoute {
  return {
    handles: (path) => PAGE_PATHS.has(path) || path.startsWith(ASSETS_PATH),
    async handle(req, res, path, context) {
      try {
        await serve(req, res, path, context, adminToken);
      } catch (error) {
        // Bundling from the sources failed, or the prebuilt files can't be read: logged, and a 500 rather than an unhandled rejection.
        context.log.error({ err: error }, 'the dashboard could not be served');
        if (res.headersSent) return void res.destroy();
        res.writeHead(500, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-request-id': context.requestId });
        res.end(`The dashboard could not be served (request ${context.requestId}); the gateway's log says why.\n`);
      }
    },
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, path: string, context: ServerContext, adminToken: DashboardOptions['adminToken']): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8', 'x-request-id': context.requestId });
    res.end('The dashboard answers GET and HEAD only.\n');
    return;
  }
  const assets = await dashboardAssets();
  if (PAGE_PATHS.has(path)) {
    const html = renderDashboardPage({ scriptPath: assets.script.path, stylePath: assets.style.path, adminToken: adminToken?.() });
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      // It names the current assets (and, in the demo, carries the token): never kept.
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(html),
      'x-request-id': context.requestId,
    });
    res.end(req.method === 'HEAD' ? undefined : html);
    return;
  }
  const asset = assets.byPath.get(path);
  if (!asset) return sendGraphQLError(res, routeNotFound());
  sendAsset(req, res, asset, context);
}

function sendAsset(req: IncomingMessage, res: ServerResponse, asset: DashboardAsset, context: ServerContext): void {
  const headers: Record<string, string | number> = {
    ...SECURITY_HEADERS,
    'content-type': asset.contentType,
    // The name changes with the content, so a copy never goes stale.
    'cache-control': 'public, max-age=31536000, immutable',
    etag: asset.etag,
    vary: 'accept-encoding',
    'x-request-id': context.requestId,
  };
  if (req.headers['if-none-match']?.split(',').some((tag) => tag.trim() === asset.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const encoding = preferredEncoding(req.headers['accept-encoding'] ?? null);
  const body = encoding === 'br' ? asset.br : encoding === 'gzip' ? asset.gzip : asset.body;
  if (encoding) headers['content-encoding'] = encoding;
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
