import type { SubgraphDefinition } from '../../subgraphs/lib/serve.js';

/** Small subgraphs for gateway tests: `catalog` owns Product, `stock` extends it with a nullable field. */
export const products = [
  { upc: 'p1', name: 'Table' },
  { upc: 'p2', name: 'Couch' },
  { upc: 'p3', name: 'Chair' },
];

export const catalog: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { products: [Product!]! }
    type Product @key(fields: "upc") { upc: String! name: String! }
  `,
  resolvers: {
    Query: { products: () => products },
    Product: { __resolveReference: (ref: { upc: string }) => products.find((p) => p.upc === ref.upc) ?? null },
  },
};

export const STOCK_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Product @key(fields: "upc") { upc: String! stock: Int }
`;

export const stock: SubgraphDefinition = {
  name: 'stock',
  typeDefs: STOCK_SDL,
  resolvers: {
    Product: { __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc, stock: ref.upc.length * 10 }) },
  },
};

/** Adds `Query.greeting`; composes with catalog. */
export const greeter: SubgraphDefinition = {
  name: 'greeter',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { greeting: String! }
  `,
  resolvers: { Query: { greeting: () => 'hello' } },
};

/** Declares Product.name as Int: does not compose with catalog. */
export const conflicting: SubgraphDefinition = {
  name: 'conflicting',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
    type Product @key(fields: "upc") { upc: String! name: Int @shareable }
  `,
  resolvers: { Product: { __resolveReference: () => ({ upc: 'p1', name: 1 }) } },
};
