import type { GraphQLResolveInfo } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

const products = ['p1', 'p2', 'p3', 'p4', 'p5'].map((id, index) => ({ id, name: `Product ${index + 1}` }));
const users = ['u1', 'u2', 'u3'].map((id) => ({ id, name: id.toUpperCase() }));
// Two reviews per product, by three authors: ten reviews, three distinct users.
const reviewsOf = (productId: string) => {
  const index = Number(productId.slice(1));
  return [
    { body: `${productId} is good`, author: { id: users[index % 3]!.id } },
    { body: `${productId} is bad`, author: { id: users[(index + 1) % 3]!.id } },
  ];
};

/**
 * Each `__resolveReference` call, by the response key of the `_entities` field it ran under:
 * one key per `_entities` call the subgraph received (batched delegations are aliased).
 */
const entityCalls: Record<string, string[]> = { inventory: [], accounts: [] };
function recordEntityCall(subgraph: string, info: GraphQLResolveInfo): void {
  let path = info.path;
  while (path.prev) path = path.prev;
  entityCalls[subgraph]!.push(String(path.key));
}

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
  resolvers: { Query: { products: () => products } },
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
    Product: {
      __resolveReference: (ref: { id: string }, _context: unknown, info: GraphQLResolveInfo) => {
        recordEntityCall('inventory', info);
        return { ...ref, stock: Number(ref.id.slice(1)) * 10 };
      },
    },
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
      author: User!
    }
    type User @key(fields: "id", resolvable: false) {
      id: ID!
    }
  `,
  resolvers: {
    Product: { __resolveReference: (ref: { id: string }) => ({ ...ref, reviews: reviewsOf(ref.id) }) },
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
    User: {
      __resolveReference: (ref: { id: string }, _context: unknown, info: GraphQLResolveInfo) => {
        recordEntityCall('accounts', info);
        return users.find((user) => user.id === ref.id);
      },
    },
  },
};

describe('entity batching', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([catalog, inventory, reviews, accounts]);
  });
  afterAll(() => graph?.close());
  beforeEach(() => {
    entityCalls.inventory = [];
    entityCalls.accounts = [];
  });

  it('fetches a list of N entities with one request and one `_entities` call', async () => {
    const { result, requests } = await graph.countRequests(() => graph.query(/* GraphQL */ `{ products { id stock } }`));
    expectData(result, {
      products: [
        { id: 'p1', stock: 10 },
        { id: 'p2', stock: 20 },
        { id: 'p3', stock: 30 },
        { id: 'p4', stock: 40 },
        { id: 'p5', stock: 50 },
      ],
    });
    expect(requests).toEqual({ catalog: 1, inventory: 1, reviews: 0, accounts: 0 });
    expect(entityCalls.inventory).toHaveLength(5);
    expect(new Set(entityCalls.inventory).size).toBe(1);
  });

  it('batches every level of a nested list, and sends each distinct entity once', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ products { id stock reviews { author { name } } } }`),
    );
    const authorName = (productId: string, offset: number) => users[(Number(productId.slice(1)) + offset) % 3]!.name;
    expectData(result, {
      products: products.map(({ id }) => ({
        id,
        stock: Number(id.slice(1)) * 10,
        reviews: [{ author: { name: authorName(id, 0) } }, { author: { name: authorName(id, 1) } }],
      })),
    });
    // inventory and reviews are asked in parallel for the same products; accounts once for all ten reviews.
    expect(requests).toEqual({ catalog: 1, inventory: 1, reviews: 1, accounts: 1 });
    expect(new Set(entityCalls.accounts).size).toBe(1);
    expect(entityCalls.accounts).toHaveLength(3);
  });
});
