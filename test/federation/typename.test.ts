import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

const products = [{ id: 'p1', name: 'Bike' }];
const users = [{ id: 'u1', name: 'Edsger' }];

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

const reviews: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Mutation { addReview(productId: ID!, body: String!): Review! }
    type Product @key(fields: "id") {
      id: ID!
      reviews: [Review!]!
    }
    type Review {
      body: String!
      author: User!
    }
    type User @key(fields: "id", resolvable: false) {
      id: ID!
    }
  `,
  resolvers: {
    // Returns the review without storing it: each test sees the same data.
    Mutation: { addReview: (_: unknown, { body }: { body: string }) => ({ body, author: { id: 'u1' } }) },
    Product: {
      __resolveReference: (ref: { id: string }) => ({ ...ref, reviews: [{ body: 'Smooth ride', author: { id: 'u1' } }] }),
    },
  },
};

const accounts: SubgraphDefinition = {
  name: 'accounts',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type User @key(fields: "id") {
      id: ID!
      name: String!
    }
  `,
  resolvers: {
    User: { __resolveReference: (ref: { id: string }) => users.find((user) => user.id === ref.id) },
  },
};

describe('__typename', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([catalog, reviews, accounts]);
  });
  afterAll(() => graph?.close());

  it('answers __typename on the query root alone', async () => {
    const { result, requests } = await graph.countRequests(() => graph.query(/* GraphQL */ `{ __typename }`));
    expectData(result, { __typename: 'Query' });
    expect(requests).toEqual({ catalog: 0, reviews: 0, accounts: 0 });
  });

  it('answers __typename at every level of a query spanning three subgraphs', async () => {
    const response = await graph.query(/* GraphQL */ `
      {
        __typename
        products {
          __typename
          id
          reviews { __typename body author { __typename name } }
        }
      }
    `);
    expectData(response, {
      __typename: 'Query',
      products: [
        {
          __typename: 'Product',
          id: 'p1',
          reviews: [{ __typename: 'Review', body: 'Smooth ride', author: { __typename: 'User', name: 'Edsger' } }],
        },
      ],
    });
  });

  it('answers aliased __typename, alone on an entity from another subgraph', async () => {
    const response = await graph.query(/* GraphQL */ `
      { root: __typename products { kind: __typename reviews { author { kind: __typename also: __typename } } } }
    `);
    expectData(response, {
      root: 'Query',
      products: [{ kind: 'Product', reviews: [{ author: { kind: 'User', also: 'User' } }] }],
    });
  });

  it('answers __typename on the mutation root and on entities a mutation returns', async () => {
    const response = await graph.query(/* GraphQL */ `
      mutation {
        __typename
        addReview(productId: "p1", body: "Fast") { __typename body author { __typename id name } }
      }
    `);
    expectData(response, {
      __typename: 'Mutation',
      addReview: { __typename: 'Review', body: 'Fast', author: { __typename: 'User', id: 'u1', name: 'Edsger' } },
    });
  });
});
