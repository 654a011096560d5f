import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { consumerWithPlan, postRaw, shop } from './fixtures.js';

interface ErrorBody {
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

const repeat = (count: number, make: (i: number) => string, separator = ' ') => Array.from({ length: count }, (_, i) => make(i)).join(separator);

/** `{ products { related { related { … } } } }`, `levels` fields deep. */
const nested = (levels: number) => `{ products { ${'related { '.repeat(levels - 2)}upc${' }'.repeat(levels - 1)} }`;

describe('hard limits on requests and documents', () => {
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

  /** Sends a request that must be refused quickly, before any backend call, and checks the gateway still serves. */
  async function expectRefused(send: () => Promise<Response>, status: number, extensions: Record<string, unknown>) {
    const before = subgraph.requestCount;
    const started = performance.now();
    const response = await send();
    const body = (await response.json()) as ErrorBody;
    const elapsedMs = performance.now() - started;
    expect(response.status).toBe(status);
    expect(body.errors?.[0]?.extensions).toMatchObject(extensions);
    expect(JSON.stringify(body)).not.toMatch(/stack|node_modules|127\.0\.0\.1/);
    expect(elapsedMs).toBeLessThan(2_000);
    expect(subgraph.requestCount).toBe(before);
    const next = await gatehouse.query<{ product: { name: string } }>('{ product(upc: "p1") { name } }');
    expect(next.body).toEqual({ data: { product: { name: 'Table' } } });
    return body;
  }

  const post = (query: string) => () => postRaw(gatehouse, { query });

  it('refuses a depth bomb', async () => {
    expect((await gatehouse.query(nested(32))).status).toBe(200);
    await expectRefused(post(nested(200)), 400, { code: 'QUERY_TOO_COMPLEX', limit: 'depth', depth: 200, max: 32 });
    // Deep enough to overflow graphql-js's recursive parser (about 10k tokens): still the depth limit, not a 500.
    await expectRefused(post(nested(5_000)), 400, { code: 'QUERY_TOO_COMPLEX', limit: 'depth', depth: 5_000, max: 32 });
  });

  it('refuses an alias bomb before validation', async () => {
    // 4000 aliases of one field: under the token limit, and quadratic work for the overlap check.
    const query = `{ ${repeat(4_000, (i) => `a${i}: expensive`)} }`;
    await expectRefused(post(query), 400, { code: 'QUERY_TOO_COMPLEX', limit: 'aliases', aliases: 4_000, max: 30 });
  });

  it('refuses too many directives and too wide a selection set', async () => {
    await expectRefused(post(`{ product(upc: "p1") { ${repeat(51, () => 'name @include(if: true)')} } }`), 400, {
      code: 'QUERY_TOO_COMPLEX',
      limit: 'directives',
      directives: 51,
      max: 50,
    });
    await expectRefused(post(`{ product(upc: "p1") { ${repeat(201, () => 'name')} } }`), 400, {
      code: 'QUERY_TOO_COMPLEX',
      limit: 'fieldsPerSelection',
      fieldsPerSelection: 201,
      max: 200,
    });
  });

  it('refuses a document over the token limit while parsing', async () => {
    await expectRefused(post(`{ ${repeat(16_000, () => '__typename')} }`), 400, {
      code: 'QUERY_TOO_COMPLEX',
      limit: 'tokens',
      tokens: 16_002,
      max: 15_000,
    });
  });

  it('refuses deeply nested and exponentially spread fragments', async () => {
    const chain = `query { products { ...F0 } } ${repeat(60, (i) => `fragment F${i} on Product { related { ...F${i + 1} } }`)} fragment F60 on Product { upc }`;
    await expectRefused(post(chain), 400, { code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 32 });
    // Each level spreads the next twice: 2^30 aliased fields from a few hundred bytes.
    const doubling = `query { ...D0 } ${repeat(30, (i) => `fragment D${i} on Query { ...D${i + 1} ...D${i + 1} }`)} fragment D30 on Query { a: expensive }`;
    await expectRefused(post(doubling), 400, { code: 'QUERY_TOO_COMPLEX', limit: 'aliases', aliases: 2 ** 30 });
  });

  it('refuses a body over maxBodyBytes, declared or streamed', async () => {
    const huge = JSON.stringify({ query: `{ __typename }`, variables: { padding: 'x'.repeat(2_100_000) } });
    await expectRefused(() => postRaw(gatehouse, JSON.parse(huge)), 400, { code: 'QUERY_TOO_COMPLEX', limit: 'bodyBytes', max: 2_000_000 });

    // Without Content-Length (chunked): counted as it streams, refused at the limit.
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"query":"{ __typename }","variables":{"padding":"'));
      },
      pull(controller) {
        if (sent >= 3_000_000) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const body = await expectRefused(
      () =>
        fetch(`${gatehouse.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: stream,
          duplex: 'half',
        } as RequestInit),
      400,
      { code: 'QUERY_TOO_COMPLEX', limit: 'bodyBytes', max: 2_000_000 },
    );
    expect(body.errors?.[0]?.extensions?.['bodyBytes']).toBeGreaterThan(2_000_000);
  });

  it('refuses a batch of 1000 operations', async () => {
    const batch = Array.from({ length: 1_000 }, () => ({ query: '{ expensive }' }));
    await expectRefused(() => postRaw(gatehouse, batch), 400, {
      code: 'QUERY_TOO_COMPLEX',
      limit: 'batchOperations',
      batchOperations: 1_000,
      max: 10,
    });
    const small = await postRaw(gatehouse, [{ query: '{ expensive }' }, { query: '{ product(upc: "p2") { name } }' }]);
    expect(await small.json()).toEqual([{ data: { expensive: 1 } }, { data: { product: { name: 'Couch' } } }]);
  });

  it('refuses a long GET query string', async () => {
    const query = `{ product(upc: "p1") { name } } # ${'x'.repeat(9_000)}`;
    await expectRefused(
      () => fetch(`${gatehouse.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } }),
      400,
      { code: 'QUERY_TOO_COMPLEX', limit: 'getQueryBytes', max: 8_192 },
    );
  });

  it('refuses requests a browser could send cross-site without a preflight (CSRF)', async () => {
    const body = JSON.stringify({ query: '{ expensive }' });
    const simple: RequestInit[] = [
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body },
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B%20expensive%20%7D' },
      { method: 'GET' },
    ];
    for (const init of simple) {
      const url = init.method === 'GET' ? `${gatehouse.url}/graphql?query=${encodeURIComponent('{ expensive }')}` : `${gatehouse.url}/graphql`;
      const refusal = await expectRefused(() => fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers } }), 400, { code: 'BAD_REQUEST' });
      expect(refusal.errors?.[0]?.message).toMatch(/cross-site request forgery/);
    }
    // A preflight header (or a JSON content type) makes the same requests acceptable.
    const withHeader = await fetch(`${gatehouse.url}/graphql?query=${encodeURIComponent('{ expensive }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await withHeader.json()).toEqual({ data: { expensive: 1 } });
  });

  it("applies the plan's lower maxDepth after validation", async () => {
    const shallow = await consumerWithPlan(gatehouse, 'shallow', { maxDepth: 3 });
    expect((await gatehouse.query(nested(3), undefined, shallow)).status).toBe(200);
    const before = subgraph.requestCount;
    const refused = await gatehouse.query(nested(4), undefined, shallow);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', depth: 4, max: 3 });
    expect(subgraph.requestCount).toBe(before);
  });

  it('refuses a document over maxDocumentBytes before parsing it, however few its tokens', async () => {
    // 1 MB of comments: two tokens, well under the 2 MB body limit.
    const comments = `# ${'x'.repeat(1_000_000)}\n{ expensive }`;
    const body = await expectRefused(post(comments), 400, { code: 'QUERY_TOO_COMPLEX', limit: 'documentBytes', documentBytes: comments.length, max: 262_144 });
    expect(body.errors).toHaveLength(1);
    // Counted in UTF-8: 100,000 three-byte characters are 300,000 bytes.
    await expectRefused(post(`# ${'€'.repeat(100_000)}\n{ expensive }`), 400, { code: 'QUERY_TOO_COMPLEX', limit: 'documentBytes', documentBytes: 300_016 });
    const atTheLimit = `# ${'x'.repeat(262_144 - 16)}\n{ expensive }`;
    expect(Buffer.byteLength(atTheLimit)).toBe(262_144);
    expect((await gatehouse.query(atTheLimit)).body).toEqual({ data: { expensive: 1 } });
  });

  it("lets GraphiQL's introspection query through a plan's maxDepth 12, and refuses deeper ofType chains", async () => {
    const shallow = await consumerWithPlan(gatehouse, 'explorer', { maxDepth: 12, introspectionAllowed: true });
    // What GraphiQL sends: 15 levels, nine of them `ofType`.
    const graphiqlQuery = getIntrospectionQuery({ descriptions: true, schemaDescription: true, inputValueDeprecation: true, directiveIsRepeatable: true, specifiedByUrl: true });
    const loaded = await gatehouse.query<{ __schema: { types: unknown[] } }>(graphiqlQuery, undefined, shallow);
    expect(loaded.status).toBe(200);
    expect(loaded.body.errors).toBeUndefined();
    expect(loaded.body.data?.__schema.types.length).toBeGreaterThan(10);
    // The operation's own selections still count against the plan.
    expect((await gatehouse.query(nested(13), undefined, shallow)).body.errors?.[0]?.extensions).toMatchObject({ limit: 'depth', depth: 13, max: 12 });
    // Beside introspection, a data selection is measured as before.
    const mixed = await gatehouse.query(`{ __schema { queryType { name } } ${nested(13).slice(1)}`, undefined, shallow);
    expect(mixed.body.errors?.[0]?.extensions).toMatchObject({ limit: 'depth', depth: 13, max: 12 });

    // An ofType chain far beyond any tool's: its own limit, before validation.
    const chain = (levels: number) => `{ __type(name: "Product") { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } }`;
    expect((await gatehouse.query(chain(18), undefined, shallow)).status).toBe(200);
    await expectRefused(() => postRaw(gatehouse, { query: chain(40) }, shallow), 400, {
      code: 'QUERY_TOO_COMPLEX',
      limit: 'introspectionDepth',
      introspectionDepth: 42,
      max: 20,
    });
    // Spread through fragments, as GraphiQL's own query is: counted the same.
    const viaFragment = `{ __schema { types { ...Deep } } } fragment Deep on __Type { ${'ofType { '.repeat(30)}name${' }'.repeat(30)} }`;
    await expectRefused(() => postRaw(gatehouse, { query: viaFragment }), 400, { code: 'QUERY_TOO_COMPLEX', limit: 'introspectionDepth', introspectionDepth: 33 });
  });

  it('admits the standard introspection query under the default limits', async () => {
    const result = await gatehouse.query<{ __schema: { queryType: { name: string } } }>(getIntrospectionQuery());
    expect(result.status).toBe(200);
    expect(result.body.data?.__schema.queryType.name).toBe('Query');
  });
});

describe('introspection switched off by the plan', () => {
  let subgraph: RunningSubgraph;
  let gatehouse: RunningGatehouse;
  let closed: Record<string, string>;

  beforeAll(async () => {
    subgraph = await serveSubgraph(shop);
    gatehouse = await startGatehouse({ backends: [{ name: 'shop', url: subgraph.url }] });
    closed = await consumerWithPlan(gatehouse, 'closed', { introspectionAllowed: false });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await subgraph?.close();
  });

  it('refuses introspection with FORBIDDEN, but not __typename', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Product") { fields { name } } }', getIntrospectionQuery()]) {
      const refused = await gatehouse.query(query, undefined, closed);
      expect(refused.status).toBe(403);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await gatehouse.query('{ __typename product(upc: "p1") { __typename name } }', undefined, closed)).body).toEqual({
      data: { __typename: 'Query', product: { __typename: 'Product', name: 'Table' } },
    });
  });

  it('gives no field suggestions in validation errors', async () => {
    const query = '{ product(upc: "p1") { nme } produts { upc } }';
    const refused = await gatehouse.query(query, undefined, closed);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.map((e) => e.message)).toEqual([
      'Cannot query field "nme" on type "Product".',
      'Cannot query field "produts" on type "Query".',
    ]);
    // Consumers allowed to introspect still get the hints (the validation cache keeps them).
    const open = await gatehouse.query(query);
    expect(open.body.errors?.[0]?.message).toMatch(/Did you mean "name"\?/);
  });
});
