import { expect } from 'vitest';
import type { SubgraphDefinition } from '../../subgraphs/lib/serve.js';
import type { GraphQLResponse, RunningGatehouse } from '../helpers/gatehouse.js';

/**
 * A shop subgraph with Apollo's `@cacheControl` hints: `Product` (key `upc`) may be cached for
 * 120 s, `Query.products`/`product` for 60 s, `Product.stock` for 30 s; `Review` has no hint, so
 * anything selecting reviews is not cached (Apollo's rule for composite fields). `secretNote`
 * needs a scope. `renameProduct` changes a product (and returns it, for invalidation).
 */
export const CACHE_SHOP_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@requiresScopes"])

  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION

  type Query {
    products: [Product!]! @cacheControl(maxAge: 60)
    product(upc: ID!): Product @cacheControl(maxAge: 60)
    reviews: [Review!]!
    secretNote: String @requiresScopes(scopes: [["notes:read"]]) @cacheControl(maxAge: 60)
    flaky: String @cacheControl(maxAge: 60)
  }

  type Mutation {
    renameProduct(upc: ID!, name: String!): Product
  }

  type Product @key(fields: "upc") @cacheControl(maxAge: 120) {
    upc: ID!
    name: String!
    stock: Int @cacheControl(maxAge: 30)
    reviews: [Review!]!
  }

  type Review {
    body: String!
  }
`;

export interface CacheShop extends SubgraphDefinition {
  /** Product names by upc, as the subgraph answers them now. */
  names: Map<string, string>;
}

export function cacheShop(): CacheShop {
  const names = new Map([
    ['p1', 'Table'],
    ['p2', 'Couch'],
    ['p3', 'Chair'],
  ]);
  const product = (upc: string) => (names.has(upc) ? { upc, name: names.get(upc)!, stock: upc.length, reviews: [{ body: `about ${upc}` }] } : null);
  return {
    name: 'shop',
    typeDefs: CACHE_SHOP_SDL,
    names,
    resolvers: {
      Query: {
        products: () => [...names.keys()].map(product),
        product: (_: unknown, { upc }: { upc: string }) => product(upc),
        reviews: () => [{ body: 'fine' }],
        secretNote: () => 'the note',
        flaky: () => {
          throw new Error('flaky failed');
        },
      },
      Mutation: {
        renameProduct: (_: unknown, { upc, name }: { upc: string; name: string }) => {
          if (!names.has(upc)) return null;
          names.set(upc, name);
          return product(upc);
        },
      },
      Product: { __resolveReference: ({ upc }: { upc: string }) => product(upc) },
    },
  };
}

/** What the response cache did, as the response says. */
export const cacheStatus = (response: GraphQLResponse) => response.headers.get('x-gatehouse-cache');

export const SET_POLICY = 'mutation($input: SetCachePolicyInput!) { setCachePolicy(input: $input) { coordinate maxAge scope } }';

export async function setCachePolicy(gatehouse: RunningGatehouse, coordinate: string, maxAge: number, scope: 'PUBLIC' | 'PRIVATE' = 'PUBLIC'): Promise<void> {
  const result = await gatehouse.admin(SET_POLICY, { input: { coordinate, maxAge, scope } });
  expect(result.body.errors).toBeUndefined();
}

export async function purge(gatehouse: RunningGatehouse, args: { typeName?: string; key?: string } = {}): Promise<number> {
  const result = await gatehouse.admin<{ purgeResponseCache: number }>('mutation($typeName: String, $key: String) { purgeResponseCache(typeName: $typeName, key: $key) }', args);
  expect(result.body.errors).toBeUndefined();
  return result.body.data!.purgeResponseCache;
}
