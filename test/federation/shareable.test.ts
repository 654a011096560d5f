import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

// Both subgraphs can resolve Product.name, Product.price (a shareable value type) and Query.currency.
const products = [
  { id: 'p1', name: 'Pen', price: { amount: 2, currency: 'EUR' }, color: 'blue', rating: 4 },
  { id: 'p2', name: 'Ink', price: { amount: 9, currency: 'EUR' }, color: 'black', rating: 5 },
];
const byId = (id: string) => products.find((product) => product.id === id);

const shop: SubgraphDefinition = {
  name: 'shop',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@shareable')}
    type Query {
      shopProducts: [Product!]!
      currency: String! @shareable
    }
    type Product @key(fields: "id") {
      id: ID!
      name: String! @shareable
      price: Money! @shareable
      color: String!
    }
    type Money @shareable {
      amount: Int!
      currency: String!
    }
  `,
  resolvers: {
    Query: { shopProducts: () => products, currency: () => 'EUR' },
    Product: { __resolveReference: (ref: { id: string }) => byId(ref.id) },
  },
};

const marketplace: SubgraphDefinition = {
  name: 'marketplace',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@shareable')}
    type Query {
      marketProducts: [Product!]!
      currency: String! @shareable
    }
    type Product @key(fields: "id") {
      id: ID!
      name: String! @shareable
      price: Money! @shareable
      rating: Int!
    }
    type Money @shareable {
      amount: Int!
      currency: String!
    }
  `,
  resolvers: {
    Query: { marketProducts: () => [...products].reverse(), currency: () => 'EUR' },
    Product: { __resolveReference: (ref: { id: string }) => byId(ref.id) },
  },
};

describe('@shareable', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([shop, marketplace]);
  });
  afterAll(() => graph?.close());

  it('resolves shareable fields from the subgraph that is already fetching the entity (shop)', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ shopProducts { id name price { amount currency } color } }`),
    );
    expectData(result, {
      shopProducts: [
        { id: 'p1', name: 'Pen', price: { amount: 2, currency: 'EUR' }, color: 'blue' },
        { id: 'p2', name: 'Ink', price: { amount: 9, currency: 'EUR' }, color: 'black' },
      ],
    });
    expect(requests).toEqual({ shop: 1, marketplace: 0 });
  });

  it('resolves shareable fields from the subgraph that is already fetching the entity (marketplace)', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ marketProducts { id name price { amount } rating } }`),
    );
    expectData(result, {
      marketProducts: [
        { id: 'p2', name: 'Ink', price: { amount: 9 }, rating: 5 },
        { id: 'p1', name: 'Pen', price: { amount: 2 }, rating: 4 },
      ],
    });
    expect(requests).toEqual({ shop: 0, marketplace: 1 });
  });

  it('combines shareable fields with fields only the other subgraph has', async () => {
    const response = await graph.query(/* GraphQL */ `
      { shopProducts { name rating } marketProducts { name color } }
    `);
    expectData(response, {
      shopProducts: [
        { name: 'Pen', rating: 4 },
        { name: 'Ink', rating: 5 },
      ],
      marketProducts: [
        { name: 'Ink', color: 'black' },
        { name: 'Pen', color: 'blue' },
      ],
    });
  });

  it('resolves a shareable root field from exactly one of the subgraphs', async () => {
    const { result, requests } = await graph.countRequests(() => graph.query(/* GraphQL */ `{ currency }`));
    expectData(result, { currency: 'EUR' });
    expect(requests.shop! + requests.marketplace!).toBe(1);
  });
});
