import { request } from 'undici';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preferredEncoding } from '../../src/http/plugins/use-response-compression.js';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, TEST_ADMIN_TOKEN, type RunningGatehouse } from '../helpers/gatehouse.js';
import { catalog } from '../gateway/fixtures.js';

describe('response compression', () => {
  let subgraph: RunningSubgraph;
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    subgraph = await serveSubgraph(catalog);
    gatehouse = await startGatehouse({ backends: [{ name: 'catalog', url: subgraph.url }] });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await subgraph?.close();
  });

  // Large enough to be worth compressing: the schema's introspection.
  const body = JSON.stringify({ query: '{ __schema { types { name kind fields { name type { name kind ofType { name kind } } } } } }' });
  const post = (path: string, headers: Record<string, string>) =>
    request(`${gatehouse.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('compresses with the encoding the client prefers and keeps every other header', async () => {
    for (const [accept, encoding, decode] of [
      ['gzip, deflate', 'gzip', gunzipSync],
      ['gzip;q=0.5, br', 'br', brotliDecompressSync],
    ] as const) {
      const response = await post('/graphql', { 'accept-encoding': accept, 'x-request-id': 'compressed-1' });
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(response.headers['content-type']).toMatch(/^application\/(graphql-response\+)?json/);
      expect(response.headers['vary']).toMatch(/accept-encoding/i);
      expect(response.headers['x-request-id']).toBe('compressed-1');
      const decoded = JSON.parse(decode(Buffer.from(await response.body.arrayBuffer())).toString('utf8')) as { data: { __schema: { types: unknown[] } } };
      expect(decoded.data.__schema.types.length).toBeGreaterThan(5);
    }
  });

  it('sends plain bodies to clients that do not ask, and small bodies as they are', async () => {
    const plain = await post('/graphql', {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect((JSON.parse(await plain.body.text()) as { data: unknown }).data).toBeTruthy();
    const small = await request(`${gatehouse.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(await small.body.text()).toBe('{"data":{"__typename":"Query"}}');
  });

  it('compresses the admin API and the GraphiQL page too', async () => {
    const admin = await post('/admin/graphql', { 'accept-encoding': 'gzip', authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
    expect(admin.headers['content-encoding']).toBe('gzip');
    await admin.body.dump();
    const page = await request(`${gatehouse.url}/graphql`, { headers: { accept: 'text/html', 'accept-encoding': 'br' } });
    expect(page.headers['content-encoding']).toBe('br');
    const html = brotliDecompressSync(Buffer.from(await page.body.arrayBuffer())).toString('utf8');
    expect(html).toContain('<title>');
    expect(Number(page.headers['content-length'])).toBeLessThan(html.length / 3);
  });

  it('reads Accept-Encoding as RFC 9110 says', () => {
    expect(preferredEncoding(null)).toBeUndefined();
    expect(preferredEncoding('identity')).toBeUndefined();
    expect(preferredEncoding('gzip;q=0, br;q=0')).toBeUndefined();
    expect(preferredEncoding(' GZIP ')).toBe('gzip');
    expect(preferredEncoding('*')).toBe('gzip');
    expect(preferredEncoding('br;q=0.2, gzip;q=0.8')).toBe('gzip');
  });
});
