import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

const products = [
  { id: 'p1', name: 'Saw' },
  { id: 'p2', name: 'Drill' },
];
const stock: Record<string, number> = { p1: 3, p2: 0 };
const reviewBodies: Record<string, string[]> = { p1: ['Sharp'], p2: ['Loud', 'Strong'] };

const catalog: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Query { products: [Product!]! }
    type Product @key(fields: "id") {
      id: ID!
      name: String!
    }
  `,
  resolvers: {
    Query: { products: () => products },
    Product: { __resolveReference: (ref: { id: string }) => products.find((product) => product.id === ref.id) },
  },
};

const inventory: SubgraphDefinition = {
  name: 'inventory',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Product @key(fields: "id") {
      id: ID!
      stock: Int!
    }
  `,
  resolvers: {
    Product: { __resolveReference: (ref: { id: string }) => ({ ...ref, stock: stock[ref.id] }) },
  },
};

const reviews: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Product @key(fields: "id") {
      id: ID!
      reviews: [Review!]!
    }
    type Review {
      body: String!
    }
  `,
  resolvers: {
    Product: {
      __resolveReference: (ref: { id: string }) => ({ ...ref, reviews: (reviewBodies[ref.id] ?? []).map((body) => ({ body })) }),
    },
  },
};

const QUERY = /* GraphQL */ `
  query ($withStock: Boolean!, $skipReviews: Boolean!) {
    products {
      name
      stock @include(if: $withStock)
      reviews @skip(if: $skipReviews) { body }
    }
  }
`;

describe('@skip and @include across subgraphs', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([catalog, inventory, reviews]);
  });
  afterAll(() => graph?.close());

  it.each([
    {
      variables: { withStock: true, skipReviews: false },
      products: [
        { name: 'Saw', stock: 3, reviews: [{ body: 'Sharp' }] },
        { name: 'Drill', stock: 0, reviews: [{ body: 'Loud' }, { body: 'Strong' }] },
      ],
    },
    {
      variables: { withStock: true, skipReviews: true },
      products: [
        { name: 'Saw', stock: 3 },
        { name: 'Drill', stock: 0 },
      ],
    },
    {
      variables: { withStock: false, skipReviews: false },
      products: [
        { name: 'Saw', reviews: [{ body: 'Sharp' }] },
        { name: 'Drill', reviews: [{ body: 'Loud' }, { body: 'Strong' }] },
      ],
    },
    {
      variables: { withStock: false, skipReviews: true },
      products: [{ name: 'Saw' }, { name: 'Drill' }],
    },
  ])('honours withStock=$variables.withStock skipReviews=$variables.skipReviews on fields from other subgraphs', async ({ variables, products: expected }) => {
    const response = await graph.query(QUERY, variables);
    expectData(response, { products: expected });
  });

  it('applies @include on inline fragments and fragment spreads that cross subgraphs', async () => {
    const response = await graph.query(
      /* GraphQL */ `
        query ($yes: Boolean!, $no: Boolean!) {
          products {
            name
            ... on Product @include(if: $yes) { stock }
            ...Reviews @include(if: $no)
          }
        }
        fragment Reviews on Product { reviews { body } }
      `,
      { yes: true, no: false },
    );
    expectData(response, {
      products: [
        { name: 'Saw', stock: 3 },
        { name: 'Drill', stock: 0 },
      ],
    });
  });

  it('still uses a skipped key field to join, without returning it', async () => {
    const response = await graph.query(
      /* GraphQL */ `
        query ($hideId: Boolean!) { products { id @skip(if: $hideId) stock } }
      `,
      { hideId: true },
    );
    expectData(response, { products: [{ stock: 3 }, { stock: 0 }] });
  });

  it('returns a field kept by one of two conflicting selections', async () => {
    const response = await graph.query(
      /* GraphQL */ `
        query ($on: Boolean!) { products { stock @skip(if: $on) stock @include(if: $on) } }
      `,
      { on: true },
    );
    expectData(response, { products: [{ stock: 3 }, { stock: 0 }] });
  });
});
