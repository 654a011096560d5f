import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

// Two Federation 2 subgraphs (with @link) and two Federation 1 subgraphs (no @link:
// `extend type … @key` with @external, and `@extends`), composed into one graph.
const products = [
  { upc: '1', name: 'Table', price: 899, weight: 100 },
  { upc: '2', name: 'Couch', price: 1299, weight: 1000 },
];
const users = [{ id: 'u1', name: 'Ada Lovelace', username: '@ada' }];
const reviewsData = [
  { id: 'r1', body: 'Love it!', product: { upc: '1' }, author: { id: 'u1', username: '@ada' } },
  { id: 'r2', body: 'Too expensive.', product: { upc: '2' }, author: { id: 'u1', username: '@ada' } },
];

const productsSubgraph: SubgraphDefinition = {
  name: 'products',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@shareable')}
    type Query { topProducts: [Product!]! }
    type Product @key(fields: "upc") {
      upc: String!
      name: String!
      price: Int!
      weight: Int!
    }
  `,
  resolvers: {
    Query: { topProducts: () => products },
    Product: { __resolveReference: (ref: { upc: string }) => products.find((product) => product.upc === ref.upc) },
  },
};

const accounts: SubgraphDefinition = {
  name: 'accounts',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@shareable')}
    type Query { me: User }
    type User @key(fields: "id") {
      id: ID!
      name: String!
      username: String! @shareable
    }
  `,
  resolvers: {
    Query: { me: () => users[0] },
    User: { __resolveReference: (ref: { id: string }) => users.find((user) => user.id === ref.id) },
  },
};

const inventory: SubgraphDefinition = {
  name: 'inventory',
  typeDefs: /* GraphQL */ `
    extend type Product @key(fields: "upc") {
      upc: String! @external
      weight: Int! @external
      inStock: Boolean!
      shippingEstimate: Int! @requires(fields: "weight")
    }
  `,
  resolvers: {
    Product: {
      __resolveReference: (ref: { upc: string; weight?: number }) => ref,
      inStock: (product: { upc: string }) => product.upc === '1',
      // Free for heavy items, half the weight otherwise: only computable with the owner's weight.
      shippingEstimate: (product: { weight: number }) => (product.weight > 500 ? 0 : product.weight / 2),
    },
  },
};

const reviews: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: /* GraphQL */ `
    type Review @key(fields: "id") {
      id: ID!
      body: String!
      author: User! @provides(fields: "username")
      product: Product!
    }
    type User @key(fields: "id") @extends {
      id: ID! @external
      username: String! @external
      reviews: [Review!]!
    }
    extend type Product @key(fields: "upc") {
      upc: String! @external
      reviews: [Review!]!
    }
  `,
  resolvers: {
    Review: { __resolveReference: (ref: { id: string }) => reviewsData.find((review) => review.id === ref.id) },
    User: { reviews: (user: { id: string }) => reviewsData.filter((review) => review.author.id === user.id) },
    Product: { reviews: (product: { upc: string }) => reviewsData.filter((review) => review.product.upc === product.upc) },
  },
};

describe('Federation 1 subgraphs composed with Federation 2 ones', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([productsSubgraph, accounts, inventory, reviews]);
  });
  afterAll(() => graph?.close());

  it('resolves fields of an `extend type … @key` entity, including a @requires on an @external field', async () => {
    const response = await graph.query(/* GraphQL */ `{ topProducts { upc name inStock shippingEstimate } }`);
    expectData(response, {
      topProducts: [
        { upc: '1', name: 'Table', inStock: true, shippingEstimate: 50 },
        { upc: '2', name: 'Couch', inStock: false, shippingEstimate: 0 },
      ],
    });
  });

  it('resolves fields of an `@extends` entity from a Fed 1 subgraph, starting from a Fed 2 root', async () => {
    const response = await graph.query(/* GraphQL */ `
      { me { name reviews { body product { name price reviews { id } } } } }
    `);
    expectData(response, {
      me: {
        name: 'Ada Lovelace',
        reviews: [
          { body: 'Love it!', product: { name: 'Table', price: 899, reviews: [{ id: 'r1' }] } },
          { body: 'Too expensive.', product: { name: 'Couch', price: 1299, reviews: [{ id: 'r2' }] } },
        ],
      },
    });
  });

  it('uses a Fed 1 @provides and fetches the rest from the Fed 2 owner', async () => {
    const provided = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ topProducts { reviews { author { username } } } }`),
    );
    expectData(provided.result, {
      topProducts: [{ reviews: [{ author: { username: '@ada' } }] }, { reviews: [{ author: { username: '@ada' } }] }],
    });
    expect(provided.requests.accounts).toBe(0);

    const response = await graph.query(/* GraphQL */ `{ topProducts { reviews { author { username name } } } }`);
    expectData(response, {
      topProducts: [
        { reviews: [{ author: { username: '@ada', name: 'Ada Lovelace' } }] },
        { reviews: [{ author: { username: '@ada', name: 'Ada Lovelace' } }] },
      ],
    });
  });
});
