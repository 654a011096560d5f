import type { SubgraphDefinition } from '../../subgraphs/lib/serve.js';

/** Two subgraphs whose one query plan fetches from both: products, then reviews of each product. */
export const shopProducts: SubgraphDefinition = {
  name: 'shop-products',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { topProducts: [Product!]! }
    type Product @key(fields: "upc") { upc: ID! name: String! }
  `,
  resolvers: {
    Query: { topProducts: () => [{ upc: '1', name: 'Kettle' }, { upc: '2', name: 'Teapot' }] },
    Product: { __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc, name: ref.upc === '1' ? 'Kettle' : 'Teapot' }) },
  },
};

export const shopReviews: SubgraphDefinition = {
  name: 'shop-reviews',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Product @key(fields: "upc") { upc: ID! reviews: [Review!]! }
    type Review { body: String! }
  `,
  resolvers: {
    Product: { __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc, reviews: [{ body: `review of ${ref.upc}` }] }) },
  },
};

/** The query that crosses both, named. */
export const TOP_REVIEWS = 'query TopReviews { topProducts { name reviews { body } } }';
