import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startHangingServer, startHtmlServer, startHugeAnswerServer, startNonGraphQLJsonServer, type FaultyServer } from '../helpers/faulty-servers.js';
import { startGatehouse, type GraphQLResponse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { catalog, products, STOCK_SDL } from './fixtures.js';

const QUERY = '{ products { upc name stock } }';

/** Partial data: every product keeps upc and name, `stock` is null, and errors carry `code` and the field path. */
function expectPartialData(result: GraphQLResponse, code: string, backend: string): void {
  expect(result.status).toBe(200);
  expect(result.body.data).toEqual({ products: products.map((p) => ({ ...p, stock: null })) });
  const errors = result.body.errors ?? [];
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(error.extensions?.code).toBe(code);
    expect(error.extensions?.backend).toBe(backend);
    expect(error.path?.[0]).toBe('products');
    expect(error.path?.at(-1)).toBe('stock');
  }
  const text = JSON.stringify(result.body);
  expect(text).not.toMatch(/127\.0\.0\.1|localhost|http:\/\//);
  expect(text).not.toMatch(/nginx|internal-host|ECONNREFUSED|\.ts:\d+|stack/i);
}

describe('failing backends give partial data and a BACKEND_* code', () => {
  let catalogSubgraph: RunningSubgraph;
  let stockSubgraph: RunningSubgraph;
  let hanging: FaultyServer;
  let html: FaultyServer;
  let html502: FaultyServer;
  let notGraphQL: FaultyServer;
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    catalogSubgraph = await serveSubgraph(catalog);
    stockSubgraph = await serveSubgraph({ name: 'stock', typeDefs: STOCK_SDL, resolvers: { Product: { __resolveReference: (r: { upc: string }) => ({ ...r, stock: 1 }) } } });
    [hanging, html, html502, notGraphQL] = await Promise.all([startHangingServer(), startHtmlServer(), startHtmlServer(502), startNonGraphQLJsonServer()]);
    gatehouse = await startGatehouse({ backends: [{ name: 'catalog', url: catalogSubgraph.url }, { name: 'stock', url: stockSubgraph.url }] });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([catalogSubgraph, stockSubgraph, hanging, html, html502, notGraphQL].map((server) => server?.close()));
  });

  async function pointStockAt(url: string, timeoutMs?: number): Promise<void> {
    const result = await gatehouse.admin(
      'mutation U($input: UpdateBackendInput!) { updateBackend(input: $input) { schema { version } } }',
      { input: { name: 'stock', url, sdl: STOCK_SDL, timeoutMs } },
    );
    expect(result.body.errors).toBeUndefined();
  }

  it('serves full data while every backend is up', async () => {
    const result = await gatehouse.query(QUERY);
    expect(result.body).toEqual({ data: { products: products.map((p) => ({ ...p, stock: 1 })) } });
  });

  it('BACKEND_UNAVAILABLE when a subgraph is killed mid-test', async () => {
    await stockSubgraph.close();
    expectPartialData(await gatehouse.query(QUERY), 'BACKEND_UNAVAILABLE', 'stock');
    // The gateway keeps serving what it can.
    expect((await gatehouse.query('{ products { upc } }')).body).toEqual({ data: { products: products.map(({ upc }) => ({ upc })) } });
  });

  it('BACKEND_TIMEOUT when a subgraph hangs past its timeout', async () => {
    await pointStockAt(hanging.url, 300);
    const started = Date.now();
    const result = await gatehouse.query(QUERY);
    expect(Date.now() - started).toBeLessThan(5_000);
    expectPartialData(result, 'BACKEND_TIMEOUT', 'stock');
    expect(result.body.errors?.[0]?.extensions?.timeoutMs).toBe(300);
    expect(hanging.requestCount).toBeGreaterThan(0);
  });

  it('BACKEND_BAD_RESPONSE when a subgraph answers HTML', async () => {
    await pointStockAt(html.url);
    expectPartialData(await gatehouse.query(QUERY), 'BACKEND_BAD_RESPONSE', 'stock');
  });

  it('BACKEND_BAD_RESPONSE when a subgraph answers JSON that is not a GraphQL result', async () => {
    await pointStockAt(notGraphQL.url);
    expectPartialData(await gatehouse.query(QUERY), 'BACKEND_BAD_RESPONSE', 'stock');
  });

  it('BACKEND_UNAVAILABLE when a proxy in front of the subgraph answers 502 HTML', async () => {
    await pointStockAt(html502.url);
    expectPartialData(await gatehouse.query(QUERY), 'BACKEND_UNAVAILABLE', 'stock');
  });

  it('BACKEND_BAD_RESPONSE, unread, when a subgraph answers more than its maxResponseBytes; memory stays flat', async () => {
    await using huge = await startHugeAnswerServer(50);
    await pointStockAt(huge.url);
    const limit = await gatehouse.admin('mutation { updateBackend(input: { name: "stock", maxResponseBytes: 1048576 }) { backend { maxResponseBytes } } }');
    expect(limit.body.data).toEqual({ updateBackend: { backend: { maxResponseBytes: 1_048_576 } } });
    const before = process.memoryUsage().rss;
    const result = await gatehouse.query(QUERY);
    expectPartialData(result, 'BACKEND_BAD_RESPONSE', 'stock');
    expect(result.body.errors?.[0]?.message).toContain('larger than 1048576 bytes');
    // The connection was cut a little past the limit, not read to the end.
    expect(huge.bytesWritten).toBeLessThan(20 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
    expect((await gatehouse.query('{ products { upc } }')).body).toEqual({ data: { products: products.map(({ upc }) => ({ upc })) } });
    await gatehouse.admin('mutation { updateBackend(input: { name: "stock", clearMaxResponseBytes: true }) { changed } }');
  });

  it('refuses to register a backend whose SDL answer is larger than its maxResponseBytes, reading no more', async () => {
    await using huge = await startHugeAnswerServer(50);
    const result = await gatehouse.admin(
      'mutation R($input: RegisterBackendInput!) { registerBackend(input: $input) { backend { name } } }',
      { input: { name: 'huge', kind: 'FEDERATION_SUBGRAPH', url: huge.url, maxResponseBytes: 1_048_576 } },
    );
    expect(result.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
    expect(result.body.errors?.[0]?.message).toContain('larger than 1048576 bytes');
    expect(huge.bytesWritten).toBeLessThan(20 * 1024 * 1024);
  });

  it('still answers the next request in full once the backend is back', async () => {
    const revived = await serveSubgraph({ name: 'stock', typeDefs: STOCK_SDL, resolvers: { Product: { __resolveReference: (r: { upc: string }) => ({ ...r, stock: 7 }) } } });
    try {
      await pointStockAt(revived.url);
      expect((await gatehouse.query(QUERY)).body).toEqual({ data: { products: products.map((p) => ({ ...p, stock: 7 })) } });
    } finally {
      await revived.close();
    }
  });
});
