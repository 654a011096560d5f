import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

// `catalog` knows products by `id` and by `sku`; `pricing` only by `sku`, `inventory` only by `id`,
// so most queries need the gateway to hop between keys.
const products = [
  { id: 'p1', sku: 'SKU-1', name: 'Kettle', price: 30, stock: 4, warehouse: { region: 'eu', code: 'W1' } },
  { id: 'p2', sku: 'SKU-2', name: 'Toaster', price: 45, stock: 0, warehouse: { region: 'us', code: 'W1' } },
];
const byId = (id: string) => products.find((product) => product.id === id);
const bySku = (sku: string) => products.find((product) => product.sku === sku);

const catalog: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Query { products: [Product!]! }
    type Product @key(fields: "id") @key(fields: "sku") {
      id: ID!
      sku: String!
      name: String!
    }
  `,
  resolvers: {
    Query: { products: () => products },
    Product: {
      __resolveReference: (ref: { id?: string; sku?: string }) => (ref.id ? byId(ref.id) : bySku(ref.sku ?? '')),
    },
  },
};

const pricing: SubgraphDefinition = {
  name: 'pricing',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Product @key(fields: "sku") {
      sku: String!
      price: Int!
    }
  `,
  resolvers: { Product: { __resolveReference: (ref: { sku: string }) => bySku(ref.sku) } },
};

// Same warehouse code in two regions: only the compound key (region, code) tells them apart.
const warehouses = [
  { region: 'eu', code: 'W1', name: 'Rotterdam', capacity: 900 },
  { region: 'us', code: 'W1', name: 'Newark', capacity: 400 },
];

const inventory: SubgraphDefinition = {
  name: 'inventory',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Query { lowStock: [Product!]! }
    type Product @key(fields: "id") {
      id: ID!
      stock: Int!
      warehouse: Warehouse!
    }
    type Warehouse @key(fields: "region code") {
      region: String!
      code: String!
      name: String!
    }
  `,
  resolvers: {
    Query: { lowStock: () => products.filter((product) => product.stock === 0).map(({ id }) => ({ id })) },
    Product: {
      __resolveReference: (ref: { id: string }) => byId(ref.id),
      stock: (product: { id: string }) => byId(product.id)?.stock,
      warehouse: (product: { id: string }) => byId(product.id)?.warehouse,
    },
    Warehouse: {
      name: (ref: { region: string; code: string }) =>
        warehouses.find((w) => w.region === ref.region && w.code === ref.code)?.name,
    },
  },
};

const logistics: SubgraphDefinition = {
  name: 'logistics',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Warehouse @key(fields: "region code") {
      region: String!
      code: String!
      capacity: Int!
    }
  `,
  resolvers: {
    Warehouse: {
      __resolveReference: (ref: { region: string; code: string }) =>
        warehouses.find((w) => w.region === ref.region && w.code === ref.code),
    },
  },
};

// One user id in two organisations: the nested key `id org { id }` is what identifies a member.
const members = [
  { id: 'u1', org: { id: 'acme' }, name: 'Ada at Acme', lastLogin: '2024-01-02' },
  { id: 'u1', org: { id: 'globex' }, name: 'Ada at Globex', lastLogin: '2024-03-04' },
];
const findMember = (ref: { id: string; org: { id: string } }) =>
  members.find((member) => member.id === ref.id && member.org.id === ref.org.id);

const accounts: SubgraphDefinition = {
  name: 'accounts',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Query { members: [Member!]! }
    type Member @key(fields: "id org { id }") {
      id: ID!
      org: Org!
      name: String!
    }
    type Org @key(fields: "id") {
      id: ID!
      title: String!
    }
  `,
  resolvers: {
    Query: { members: () => members },
    Member: { __resolveReference: findMember },
    Org: {
      __resolveReference: (ref: { id: string }) => ref,
      title: (org: { id: string }) => org.id.toUpperCase(),
    },
  },
};

// Refers to Org without being able to resolve it (`resolvable: false`): Org.title must come from `accounts`.
const audit: SubgraphDefinition = {
  name: 'audit',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Member @key(fields: "id org { id }") {
      id: ID!
      org: Org!
      lastLogin: String!
    }
    type Org @key(fields: "id", resolvable: false) {
      id: ID!
    }
  `,
  resolvers: {
    Member: {
      __resolveReference: (ref: { id: string; org: { id: string } }) => findMember(ref),
    },
  },
};

// Points at products it cannot resolve itself.
const reviews: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Query { reviews: [Review!]! }
    type Review {
      body: String!
      product: Product!
    }
    type Product @key(fields: "id", resolvable: false) {
      id: ID!
    }
  `,
  resolvers: {
    Query: {
      reviews: () => [
        { body: 'Boils fast', product: { id: 'p1' } },
        { body: 'Burns toast', product: { id: 'p2' } },
      ],
    },
  },
};

describe('@key', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([catalog, pricing, inventory, logistics, accounts, audit, reviews]);
  });
  afterAll(() => graph?.close());

  it('joins a subgraph that uses a different key of the same entity (id → sku)', async () => {
    const response = await graph.query(/* GraphQL */ `{ products { id name price stock } }`);
    expectData(response, {
      products: [
        { id: 'p1', name: 'Kettle', price: 30, stock: 4 },
        { id: 'p2', name: 'Toaster', price: 45, stock: 0 },
      ],
    });
  });

  it('hops through the subgraph that knows both keys when the root only has the other one', async () => {
    // inventory returns only `id`; pricing needs `sku`, which only catalog can map from `id`.
    const response = await graph.query(/* GraphQL */ `{ lowStock { id price sku name } }`);
    expectData(response, { lowStock: [{ id: 'p2', price: 45, sku: 'SKU-2', name: 'Toaster' }] });
  });

  it('resolves an entity by a compound key (region code)', async () => {
    const response = await graph.query(/* GraphQL */ `
      { products { sku warehouse { region code name capacity } } }
    `);
    expectData(response, {
      products: [
        { sku: 'SKU-1', warehouse: { region: 'eu', code: 'W1', name: 'Rotterdam', capacity: 900 } },
        { sku: 'SKU-2', warehouse: { region: 'us', code: 'W1', name: 'Newark', capacity: 400 } },
      ],
    });
  });

  it('resolves an entity by a nested key (id org { id })', async () => {
    const response = await graph.query(/* GraphQL */ `{ members { id org { id } name lastLogin } }`);
    expectData(response, {
      members: [
        { id: 'u1', org: { id: 'acme' }, name: 'Ada at Acme', lastLogin: '2024-01-02' },
        { id: 'u1', org: { id: 'globex' }, name: 'Ada at Globex', lastLogin: '2024-03-04' },
      ],
    });
  });

  it('resolves fields of a `resolvable: false` reference from the subgraph that owns the entity', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ reviews { body product { id name price } } }`),
    );
    expectData(result, {
      reviews: [
        { body: 'Boils fast', product: { id: 'p1', name: 'Kettle', price: 30 } },
        { body: 'Burns toast', product: { id: 'p2', name: 'Toaster', price: 45 } },
      ],
    });
    // The root query is the only request reviews gets: it is never asked to resolve a Product.
    expect(requests.reviews).toBe(1);
  });

  it('reads a key-only reference without any entity fetch', async () => {
    const { result, requests } = await graph.countRequests(() => graph.query(/* GraphQL */ `{ reviews { product { id } } }`));
    expectData(result, { reviews: [{ product: { id: 'p1' } }, { product: { id: 'p2' } }] });
    expect(requests).toEqual({ catalog: 0, pricing: 0, inventory: 0, logistics: 0, accounts: 0, audit: 0, reviews: 1 });
  });
});
