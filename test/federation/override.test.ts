import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

// `legacy` still has resolvers for the fields `stock` took over and answers with
// values marked "legacy": the gateway must never serve them.
const products = [
  { id: 'p1', name: 'Chair' },
  { id: 'p2', name: 'Table' },
];
const stock: Record<string, number> = { p1: 12, p2: 0 };

const legacy: SubgraphDefinition = {
  name: 'legacy',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@shareable')}
    type Query {
      products: [Product!]!
      featured: Product @shareable
    }
    type Product @key(fields: "id") {
      id: ID!
      name: String!
      inStock: String!
      quantity: Int!
    }
  `,
  resolvers: {
    Query: {
      products: () => products,
      featured: () => ({ id: 'p2', name: 'Table' }),
    },
    Product: {
      __resolveReference: (ref: { id: string }) => products.find((product) => product.id === ref.id),
      inStock: () => 'legacy',
      quantity: () => -1,
    },
  },
};

const inventory: SubgraphDefinition = {
  name: 'inventory',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@override', '@shareable')}
    type Query {
      featured: Product @shareable @override(from: "legacy")
    }
    type Product @key(fields: "id") {
      id: ID!
      inStock: String! @override(from: "legacy")
      quantity: Int! @override(from: "legacy")
    }
  `,
  resolvers: {
    Query: { featured: () => ({ id: 'p1' }) },
    Product: {
      __resolveReference: (ref: { id: string }) => ref,
      inStock: (product: { id: string }) => ((stock[product.id] ?? 0) > 0 ? 'yes' : 'no'),
      quantity: (product: { id: string }) => stock[product.id],
    },
  },
};

describe('@override', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([legacy, inventory]);
  });
  afterAll(() => graph?.close());

  it('serves an overridden entity field from the subgraph that took it over', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ products { id name inStock quantity } }`),
    );
    expectData(result, {
      products: [
        { id: 'p1', name: 'Chair', inStock: 'yes', quantity: 12 },
        { id: 'p2', name: 'Table', inStock: 'no', quantity: 0 },
      ],
    });
    expect(requests).toEqual({ legacy: 1, inventory: 1 });
  });

  it('serves an overridden root field from the new subgraph', async () => {
    const response = await graph.query(/* GraphQL */ `{ featured { id name quantity } }`);
    expectData(response, { featured: { id: 'p1', name: 'Chair', quantity: 12 } });
  });

  it('keeps the overridden field out of the old subgraph\'s part of the supergraph', () => {
    const sdl = graph.gateway.gatehouse.served.current?.supergraphSdl ?? '';
    expect(sdl).toMatch(/inStock: String! @join__field\(graph: INVENTORY, override: "legacy"\)/);
  });
});
