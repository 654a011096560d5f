import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouseProcess } from '../helpers/gatehouse-process.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { catalog, products } from './fixtures.js';

describe('operations endpoints and HTTP behaviour', () => {
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

  it('GET /healthz is 200 while alive, /readyz 200 with the served version', async () => {
    const health = await fetch(`${gatehouse.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${gatehouse.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', version: 1 });
  });

  it('serves GraphiQL to browsers on both endpoints', async () => {
    for (const path of ['/graphql', '/admin/graphql']) {
      const page = await fetch(`${gatehouse.url}${path}`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('Gatehouse');
    }
  });

  it('answers GET queries and echoes a well-formed x-request-id', async () => {
    const response = await fetch(`${gatehouse.url}/graphql?query=${encodeURIComponent('{ products { upc } }')}`, {
      // A GET has no content type, so CSRF prevention wants a preflight header (as Apollo Router does).
      headers: { accept: 'application/json', 'x-request-id': 'trace-123', 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    expect(await response.json()).toEqual({ data: { products: products.map(({ upc }) => ({ upc })) } });

    const generated = await fetch(`${gatehouse.url}/graphql?query={__typename}`, { headers: { 'x-request-id': 'bad id\twith tab' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects malformed requests with a code and without internals', async () => {
    const cases: Array<[RequestInit, number, string]> = [
      [{ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }, 400, 'BAD_REQUEST'],
      [{ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ products { ' }) }, 400, 'GRAPHQL_PARSE_FAILED'],
      [{ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ nope }' }) }, 400, 'GRAPHQL_VALIDATION_FAILED'],
    ];
    for (const [init, status, code] of cases) {
      const response = await fetch(`${gatehouse.url}/graphql`, { ...init, headers: { ...init.headers, accept: 'application/graphql-response+json' } });
      expect(response.status).toBe(status);
      const body = (await response.json()) as { errors: Array<{ extensions?: { code?: string } }> };
      expect(body.errors[0]?.extensions?.code).toBe(code);
      expect(JSON.stringify(body)).not.toMatch(/stack|node_modules|127\.0\.0\.1/);
    }
  });

  it('answers unknown paths with 404', async () => {
    const response = await fetch(`${gatehouse.url}/nope`);
    expect(response.status).toBe(404);
  });
});

describe('start-up', () => {
  it('exits 1 naming the bad setting', async () => {
    await expect(startGatehouseProcess({ PORT: 'abc' })).rejects.toThrow(/PORT: .*got "abc"/);
  });

  it('names a bad secret without printing it', async () => {
    const failure = await startGatehouseProcess({ GATEHOUSE_ADMIN_TOKEN: 'pw-1234567' }).then(
      () => new Error('expected the start to fail'),
      (error: unknown) => error as Error,
    );
    expect(failure.message).toMatch(/GATEHOUSE_ADMIN_TOKEN: at least 16 characters \(value not shown: secret\)/);
    expect(failure.message).not.toContain('pw-1234567');
  });
});
