import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { postGraphQL, REGISTER_BACKEND, startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { catalog, conflicting, greeter, products, stock } from './fixtures.js';

const REMOVE = /* GraphQL */ `mutation Remove($name: String!) { removeBackend(name: $name) { removed schema { version backends } } }`;
const CHECK = /* GraphQL */ `
  mutation Check($input: RegisterBackendInput!) {
    checkBackend(input: $input) { composes breaking errors { code backend message } changes { type criticality path } }
  }
`;

describe('admin API: registry writes recompose the served schema', () => {
  let gatehouse: RunningGatehouse;
  const subgraphs: RunningSubgraph[] = [];
  let catalogUrl: string;
  let stockUrl: string;
  let greeterUrl: string;

  beforeAll(async () => {
    for (const definition of [catalog, stock, greeter, conflicting]) subgraphs.push(await serveSubgraph(definition));
    [catalogUrl, stockUrl, greeterUrl] = subgraphs.map((subgraph) => subgraph.url) as [string, string, string];
    gatehouse = await startGatehouse();
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
  });

  it('serves nothing before the first backend, then serves it at once', async () => {
    const before = await gatehouse.query('{ products { upc } }');
    expect(before.status).toBe(503);
    expect(before.body.errors?.[0]?.extensions?.code).toBe('SCHEMA_UNAVAILABLE');
    expect((await fetch(`${gatehouse.url}/readyz`)).status).toBe(503);

    const registered = await gatehouse.admin(REGISTER_BACKEND, { input: { name: 'catalog', kind: 'FEDERATION_SUBGRAPH', url: catalogUrl } });
    expect(registered.body).toEqual({
      data: { registerBackend: { backend: { name: 'catalog', url: catalogUrl, sdlSource: 'INTROSPECTED' }, schema: { version: 1, backends: ['catalog'] } } },
    });
    const after = await gatehouse.query('{ products { upc name } }');
    expect(after.body).toEqual({ data: { products } });
    expect((await fetch(`${gatehouse.url}/readyz`)).status).toBe(200);
  });

  it('adds an entity extension from a second subgraph and resolves across both', async () => {
    const registered = await gatehouse.admin(REGISTER_BACKEND, { input: { name: 'stock', kind: 'FEDERATION_SUBGRAPH', url: stockUrl } });
    expect(registered.body.errors).toBeUndefined();
    const result = await gatehouse.query('{ products { upc name stock } }');
    expect(result.body).toEqual({ data: { products: products.map((p) => ({ ...p, stock: p.upc.length * 10 })) } });
  });

  it('refuses a registration that does not compose, with its errors, and keeps serving the old schema', async () => {
    const conflictingUrl = subgraphs[3]!.url;
    const refused = await gatehouse.admin(REGISTER_BACKEND, {
      input: { name: 'conflicting', kind: 'FEDERATION_SUBGRAPH', url: conflictingUrl },
    });
    expect(refused.body.data).toBeNull();
    const error = refused.body.errors?.[0];
    expect(error?.extensions?.code).toBe('COMPOSITION_FAILED');
    const details = error?.extensions?.errors as Array<{ code: string; backend: string | null; message: string }>;
    expect(details.length).toBeGreaterThan(0);
    expect(details).toContainEqual(expect.objectContaining({ code: 'FIELD_TYPE_MISMATCH', backend: 'conflicting' }));
    expect(details[0]!.message).toContain('Product.name');

    const still = await gatehouse.query('{ products { upc stock } }');
    expect(still.body.data).toEqual({ products: products.map((p) => ({ upc: p.upc, stock: p.upc.length * 10 })) });
    const listed = await gatehouse.admin<{ backends: Array<{ name: string }> }>('{ backends { name } }');
    expect(listed.body.data?.backends.map((b) => b.name)).toEqual(['catalog', 'stock']);
  });

  it('checkBackend reports a breaking change without storing anything', async () => {
    // Replacing stock with a version that drops Product.stock breaks clients that select it.
    const check = await gatehouse.admin(CHECK, {
      input: {
        name: 'stock',
        kind: 'FEDERATION_SUBGRAPH',
        url: stockUrl,
        sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"]) type Product @key(fields: "upc") { upc: String! inStock: Boolean }',
      },
    });
    expect(check.body.errors).toBeUndefined();
    const result = check.body.data?.checkBackend as { composes: boolean; breaking: boolean; changes: Array<{ type: string; criticality: string; path: string }> };
    expect(result.composes).toBe(true);
    expect(result.breaking).toBe(true);
    expect(result.changes).toContainEqual({ type: 'FIELD_REMOVED', criticality: 'BREAKING', path: 'Product.stock' });
    expect(result.changes).toContainEqual({ type: 'FIELD_ADDED', criticality: 'SAFE', path: 'Product.inStock' });

    const safe = await gatehouse.admin(CHECK, { input: { name: 'greeter', kind: 'FEDERATION_SUBGRAPH', url: greeterUrl } });
    expect(safe.body.data?.checkBackend).toMatchObject({ composes: true, breaking: false, errors: [] });

    const bad = await gatehouse.admin(CHECK, { input: { name: 'conflicting', kind: 'FEDERATION_SUBGRAPH', url: subgraphs[3]!.url } });
    expect(bad.body.data?.checkBackend).toMatchObject({ composes: false, breaking: false, changes: [] });

    const still = await gatehouse.query('{ products { stock } }');
    expect(still.body.errors).toBeUndefined();
  });

  it('updates a backend (inline SDL) and serves the change at once', async () => {
    const update = await gatehouse.admin(
      /* GraphQL */ `mutation U($input: UpdateBackendInput!) { updateBackend(input: $input) { backend { name sdlSource timeoutMs headerNames } schema { version } } }`,
      {
        input: {
          name: 'stock',
          sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"]) type Product @key(fields: "upc") { upc: String! stock: Int restockDays: Int }',
          timeoutMs: 2000,
          headers: [{ name: 'X-Service-Token', value: 'secret-value' }],
        },
      },
    );
    expect(update.body.errors).toBeUndefined();
    expect(update.body.data?.updateBackend).toMatchObject({
      backend: { name: 'stock', sdlSource: 'INLINE', timeoutMs: 2000, headerNames: ['x-service-token'] },
    });
    const introspected = await gatehouse.query<{ __type: { fields: Array<{ name: string }> } }>('{ __type(name: "Product") { fields { name } } }');
    expect(introspected.body.data?.__type.fields.map((f) => f.name)).toEqual(['upc', 'name', 'stock', 'restockDays']);
    expect(JSON.stringify((await gatehouse.admin('{ backends { name headerNames } }')).body)).not.toContain('secret-value');
  });

  it('removes a backend and its fields at once', async () => {
    const removed = await gatehouse.admin(REMOVE, { name: 'stock' });
    expect(removed.body.data).toMatchObject({ removeBackend: { removed: 'stock', schema: { backends: ['catalog'] } } });
    const result = await gatehouse.query('{ products { stock } }');
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const schema = await gatehouse.admin<{ schema: { version: number; sdl: string } }>('{ schema { version sdl } }');
    expect(schema.body.data?.schema.sdl).not.toContain('stock');
  });

  it('answers NOT_FOUND for an unknown backend', async () => {
    const result = await gatehouse.admin(REMOVE, { name: 'nope' });
    expect(result.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'name' });
  });

  it('keeps every schema version', async () => {
    const versions = await gatehouse.admin<{ schemaVersions: Array<{ version: number }> }>('{ schemaVersions(limit: 3) { version } }');
    const numbers = versions.body.data!.schemaVersions.map((v) => v.version);
    expect(numbers).toHaveLength(3);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
  });
});

describe('admin API: authentication and input validation', () => {
  let gatehouse: RunningGatehouse;
  let catalogSubgraph: RunningSubgraph;

  beforeAll(async () => {
    catalogSubgraph = await serveSubgraph(catalog);
    gatehouse = await startGatehouse({ backends: [{ name: 'catalog', url: catalogSubgraph.url }] });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await catalogSubgraph?.close();
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token-wrong-token' }],
    ['a malformed header', { authorization: 'Basic abc' }],
  ])('refuses %s with 401 UNAUTHENTICATED', async (_label, headers) => {
    const result = await postGraphQL(`${gatehouse.url}/admin/graphql`, '{ backends { name } }', undefined, headers);
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.body.data).toBeUndefined();
  });

  it.each([
    ['unknown kind', { name: 'x', kind: 'SOAP', url: 'http://127.0.0.1:1/graphql' }, 'BAD_USER_INPUT', 'input.kind'],
    ['bad name', { name: 'Bad Name', kind: 'FEDERATION_SUBGRAPH', url: 'http://127.0.0.1:1/graphql' }, 'BAD_USER_INPUT', 'input.name'],
    ['non-http URL', { name: 'x', kind: 'FEDERATION_SUBGRAPH', url: 'ftp://127.0.0.1/graphql' }, 'BAD_USER_INPUT', 'input.url'],
    ['URL with userinfo', { name: 'x', kind: 'FEDERATION_SUBGRAPH', url: 'http://user:pw@127.0.0.1/graphql' }, 'BAD_USER_INPUT', 'input.url'],
    ['metadata address', { name: 'x', kind: 'FEDERATION_SUBGRAPH', url: 'http://169.254.169.254/latest' }, 'BAD_USER_INPUT', 'input.url'],
    ['not a URL', { name: 'x', kind: 'FEDERATION_SUBGRAPH', url: 'not a url' }, 'BAD_USER_INPUT', 'input.url'],
    ['reserved header', { name: 'x', kind: 'FEDERATION_SUBGRAPH', url: 'http://127.0.0.1:1/graphql', headers: [{ name: 'Host', value: 'a' }] }, 'BAD_USER_INPUT', 'input.headers.0.name'],
    ['zero timeout', { name: 'x', kind: 'FEDERATION_SUBGRAPH', url: 'http://127.0.0.1:1/graphql', timeoutMs: 0 }, 'BAD_USER_INPUT', 'input.timeoutMs'],
    ['unreachable backend', { name: 'x', kind: 'FEDERATION_SUBGRAPH', url: 'http://127.0.0.1:1/graphql' }, 'BAD_USER_INPUT', 'input.url'],
    ['invalid inline SDL', { name: 'x', kind: 'FEDERATION_SUBGRAPH', url: 'http://127.0.0.1:1/graphql', sdl: 'type {' }, 'COMPOSITION_FAILED', undefined],
  ])('refuses %s with %s', async (_label, input, code, field) => {
    const result = await gatehouse.admin(REGISTER_BACKEND, { input });
    const error = result.body.errors?.[0];
    expect(error?.extensions?.code).toBe(code);
    if (field) {
      expect(error?.extensions?.field).toBe(field);
      expect(error?.message).toContain(field);
    }
    expect(JSON.stringify(result.body)).not.toMatch(/at .*\.ts:\d+|stack/);
  });

  it('refuses a duplicate name with BAD_USER_INPUT on input.name', async () => {
    const result = await gatehouse.admin(REGISTER_BACKEND, {
      input: { name: 'catalog', kind: 'FEDERATION_SUBGRAPH', url: catalogSubgraph.url },
    });
    expect(result.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    expect(result.body.errors?.[0]?.message).toContain('already registered');
  });
});
