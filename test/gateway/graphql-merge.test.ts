import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, closeServer, listen, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { catalog, products } from './fixtures.js';

const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterBackendInput!) { registerBackend(input: $input) { backend { merge { type keyField } } } }
`;

const warranties: Record<string, number> = { p1: 2, p2: 5 };

describe('a plain GraphQL backend merges its type with a federation entity by key', () => {
  let catalogSubgraph: RunningSubgraph;
  let warrantyUrl: string;
  let warrantyRequests = 0;
  let closeWarranty: () => Promise<void>;
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    catalogSubgraph = await serveSubgraph(catalog);
    // A service that knows nothing about federation, with its own `Product` keyed by `upc`.
    const yoga = createYoga({
      schema: createSchema({
        typeDefs: /* GraphQL */ `
          type Query { productByUpc(upc: String!): Product  warrantyPolicies: [String!]! }
          type Product { upc: String! warrantyYears: Int }
        `,
        resolvers: {
          Query: {
            productByUpc: (_: unknown, { upc }: { upc: string }) => ({ upc, warrantyYears: warranties[upc] ?? null }),
            warrantyPolicies: () => ['standard'],
          },
        },
      }),
      logging: false,
      plugins: [{ onRequest: () => void warrantyRequests++ }],
    });
    const server = createServer(yoga);
    await listen(server, 0, '127.0.0.1');
    warrantyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    closeWarranty = () => closeServer(server);
    gatehouse = await startGatehouse({ backends: [{ name: 'catalog', url: catalogSubgraph.url }] });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([catalogSubgraph?.close(), closeWarranty?.()]);
  });

  it('resolves the merged fields on the federation type, keeping the other types prefixed', async () => {
    const registered = await gatehouse.admin(REGISTER, {
      input: {
        name: 'warranty',
        kind: 'GRAPHQL',
        url: warrantyUrl,
        prefix: 'warranty',
        merge: [{ type: 'Product', rootField: 'productByUpc', keyField: 'upc', argument: 'upc' }],
      },
    });
    expect(registered.body.errors).toBeUndefined();
    expect(registered.body.data).toEqual({ registerBackend: { backend: { merge: [{ type: 'Product', keyField: 'upc' }] } } });

    const result = await gatehouse.query('{ products { upc name warrantyYears } warranty_warrantyPolicies }');
    expect(result.body).toEqual({
      data: {
        products: products.map((p) => ({ ...p, warrantyYears: warranties[p.upc] ?? null })),
        warranty_warrantyPolicies: ['standard'],
      },
    });
  });

  it('refuses a merge naming a root field the backend does not have', async () => {
    const refused = await gatehouse.admin(REGISTER, {
      input: { name: 'warranty2', kind: 'GRAPHQL', url: warrantyUrl, merge: [{ type: 'Product', rootField: 'nope', keyField: 'upc', argument: 'upc' }] },
    });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('COMPOSITION_FAILED');
    expect(refused.body.errors?.[0]?.extensions?.errors).toEqual([expect.objectContaining({ backend: 'warranty2', message: expect.stringContaining('"nope"') })]);
    expect(warrantyRequests).toBeGreaterThan(0);
  });
});
