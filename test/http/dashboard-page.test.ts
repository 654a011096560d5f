import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, TEST_ADMIN_TOKEN, type RunningGatehouse } from '../helpers/gatehouse.js';
import { shop } from '../request-path/fixtures.js';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * node:http rather than fetch, which would decompress the body and hide `content-encoding`
 * handling (and always asks for gzip). The path is sent as written, `..` included.
 */
function raw(url: string, { method = 'GET', headers = {} }: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const path = url.slice(url.indexOf('/', url.indexOf('//') + 2));
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function assetPaths(html: string): { script: string; style: string } {
  const script = /<script src="([^"]+)"/.exec(html)?.[1];
  const style = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1];
  if (!script || !style) throw new Error(`no asset links in ${html}`);
  return { script, style };
}

describe('the dashboard page at /admin', () => {
  let subgraph: RunningSubgraph;
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    subgraph = await serveSubgraph(shop);
    gatehouse = await startGatehouse({ backends: [{ name: 'shop', url: subgraph.url }] });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await subgraph?.close();
  });

  it('serves the page at /admin and /admin/ with a strict CSP, never cached, without a token', async () => {
    for (const path of ['/admin', '/admin/']) {
      const page = await raw(`${gatehouse.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toBe(CSP);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['x-request-id']).toBeTruthy();
      const html = page.body.toString('utf8');
      expect(html).toContain('<title>Gatehouse dashboard</title>');
      // Nothing from another host, and nothing inline for the CSP to refuse.
      expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|style=/);
      expect(html).not.toContain('gatehouse-admin-token');
      expect(html).not.toContain(TEST_ADMIN_TOKEN);
      const { script, style } = assetPaths(html);
      expect(script).toMatch(/^\/admin\/assets\/dashboard\.[0-9a-f]{16}\.js$/);
      expect(style).toMatch(/^\/admin\/assets\/dashboard\.[0-9a-f]{16}\.css$/);
    }
  });

  it('serves its script and stylesheet with their types, cached for good under content-hashed names, compressed once', async () => {
    const { script, style } = assetPaths((await raw(`${gatehouse.url}/admin`)).body.toString('utf8'));
    for (const [path, contentType, marker] of [
      [script, 'text/javascript; charset=utf-8', '/admin/graphql'],
      [style, 'text/css; charset=utf-8', '.uplot'],
    ] as const) {
      const plain = await raw(`${gatehouse.url}${path}`);
      expect(plain.status).toBe(200);
      expect(plain.headers['content-type']).toBe(contentType);
      expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(plain.headers['x-content-type-options']).toBe('nosniff');
      expect(plain.headers['vary']).toBe('accept-encoding');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
      expect(plain.body.toString('utf8')).toContain(marker);

      const brotli = await raw(`${gatehouse.url}${path}`, { headers: { 'accept-encoding': 'gzip, br' } });
      expect(brotli.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(brotli.body).equals(plain.body)).toBe(true);
      expect(brotli.body.length).toBeLessThan(plain.body.length);
      const gzipped = await raw(`${gatehouse.url}${path}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(gzipped.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gzipped.body).equals(plain.body)).toBe(true);

      const etag = String(plain.headers['etag']);
      expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
      expect(path).toContain(etag.slice(1, -1));
      const revalidated = await raw(`${gatehouse.url}${path}`, { headers: { 'if-none-match': etag } });
      expect(revalidated.status).toBe(304);
      expect(revalidated.body.length).toBe(0);
    }
    // The script bundles uPlot: nothing is loaded from elsewhere at run time.
    const js = (await raw(`${gatehouse.url}${script}`)).body.toString('utf8');
    expect(js).toContain('uplot');
    expect(js).not.toMatch(/https?:\/\/(?:cdn|unpkg|esm\.sh|cdnjs)/i);
  });

  it('answers HEAD without a body, other methods with 405, unknown assets with 404', async () => {
    const head = await raw(`${gatehouse.url}/admin`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    expect(head.body.length).toBe(0);

    const post = await raw(`${gatehouse.url}/admin`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');

    for (const path of ['/admin/assets/dashboard.0000000000000000.js', '/admin/assets/', '/admin/assets/../graphql']) {
      const missing = await raw(`${gatehouse.url}${path}`);
      expect(missing.status).toBe(404);
      expect(JSON.parse(missing.body.toString('utf8'))).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    }
  });

  it('leaves /admin/graphql as it was: the API with the token, GraphiQL for browsers, no trailing-slash alias', async () => {
    const answer = await gatehouse.admin<{ schema: { version: number; backends: string[] } }>('{ schema { version backends } }');
    expect(answer.status).toBe(200);
    expect(answer.body.data?.schema.backends).toEqual(['shop']);
    const withoutToken = await fetch(`${gatehouse.url}/admin/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ backends { name } }"}' });
    expect(withoutToken.status).toBe(401);
    const graphiql = await fetch(`${gatehouse.url}/admin/graphql`, { headers: { accept: 'text/html' } });
    expect(await graphiql.text()).toContain('YogaGraphiQL.renderYogaGraphiQL');
    expect(graphiql.headers.get('content-security-policy')).toBeNull();
    expect((await raw(`${gatehouse.url}/admin/graphql/`)).status).toBe(404);
  });

  it('writes a token it is given into the page as an attribute, escaped', async () => {
    const token = '"><script>alert(1)</script>';
    await using withToken = await startGatehouse({ dashboardAdminToken: () => token });
    const html = (await raw(`${withToken.url}/admin`)).body.toString('utf8');
    expect(html).toContain('<meta name="gatehouse-admin-token" content="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;" />');
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('serves nothing at /admin with GATEHOUSE_DASHBOARD=false; the admin API stays', async () => {
    const { script } = assetPaths((await raw(`${gatehouse.url}/admin`)).body.toString('utf8'));
    await using off = await startGatehouse({ env: { GATEHOUSE_DASHBOARD: 'false' } });
    for (const path of ['/admin', '/admin/', script]) {
      const response = await raw(`${off.url}${path}`);
      expect(response.status).toBe(404);
      expect(String(response.headers['content-type'])).toContain('application/json');
    }
    const answer = await off.admin<{ usageRecorder: { enabled: boolean } }>('{ usageRecorder { enabled } }');
    expect(answer.body.data?.usageRecorder.enabled).toBe(true);
  });
});
