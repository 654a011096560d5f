import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

const products = [
  {
    id: 'p1', name: 'Desk', weight: 20, price: 200,
    dimensions: { length: 120, width: 60, height: 75 },
    vendor: { __typename: 'LocalVendor', id: 'v1', city: 'Lyon' },
    contact: { __typename: 'Email', label: 'sales', address: 'desk@example.com' },
  },
  {
    id: 'p2', name: 'Lamp', weight: 2, price: 40,
    dimensions: { length: 20, width: 20, height: 50 },
    vendor: { __typename: 'RemoteVendor', id: 'v2', country: 'Japan' },
    contact: { __typename: 'Phone', label: 'support', number: '+81 3 0000' },
  },
];
const byId = (id: string) => products.find((product) => product.id === id);

const catalog: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@shareable')}
    type Query { products: [Product!]! }
    type Product @key(fields: "id") {
      id: ID!
      name: String!
      weight: Int!
      price: Int!
      dimensions: Dimensions!
      vendor: Vendor!
      contact: Contact!
    }
    type Dimensions @shareable {
      length: Int!
      width: Int!
      height: Int!
    }
    interface Contact {
      label: String!
    }
    type Email implements Contact @shareable {
      label: String!
      address: String!
    }
    type Phone implements Contact @shareable {
      label: String!
      number: String!
    }
    union Vendor = LocalVendor | RemoteVendor
    type LocalVendor @shareable {
      id: ID!
      city: String!
    }
    type RemoteVendor @shareable {
      id: ID!
      country: String!
    }
  `,
  resolvers: {
    Query: { products: () => products },
    Product: { __resolveReference: (ref: { id: string }) => byId(ref.id) },
  },
};

// Every @requires resolver below computes only from the representation it receives:
// if the gateway forgets a required field, the result is visibly wrong.
interface ShippingRepresentation {
  id: string;
  weight: number;
  dimensions: { length: number; width: number };
  vendor: { __typename: 'LocalVendor'; city: string } | { __typename: 'RemoteVendor'; country: string };
  contact: { label: string; address?: string; number?: string };
}

const shipping: SubgraphDefinition = {
  name: 'shipping',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@external', '@requires', '@shareable')}
    type Product @key(fields: "id") {
      id: ID!
      weight: Int! @external
      dimensions: Dimensions! @external
      vendor: Vendor! @external
      shippingCost(zone: Zone!): Int! @requires(fields: "weight")
      packaging: String! @requires(fields: "dimensions { length width }")
      deliveryFrom: String! @requires(fields: "vendor { ... on LocalVendor { city } ... on RemoteVendor { country } }")
      contact: Contact! @external
      support: String! @requires(fields: "contact { label ... on Email { address } ... on Phone { number } }")
    }
    interface Contact {
      label: String!
    }
    type Email implements Contact @shareable {
      label: String!
      address: String!
    }
    type Phone implements Contact @shareable {
      label: String!
      number: String!
    }
    enum Zone { DOMESTIC INTERNATIONAL }
    type Dimensions @shareable {
      length: Int!
      width: Int!
    }
    union Vendor = LocalVendor | RemoteVendor
    type LocalVendor @shareable {
      city: String!
    }
    type RemoteVendor @shareable {
      country: String!
    }
  `,
  resolvers: {
    Product: {
      __resolveReference: (ref: ShippingRepresentation) => ref,
      shippingCost: (ref: ShippingRepresentation, { zone }: { zone: 'DOMESTIC' | 'INTERNATIONAL' }) =>
        ref.weight * (zone === 'DOMESTIC' ? 1 : 5),
      packaging: (ref: ShippingRepresentation) => `box ${ref.dimensions.length}x${ref.dimensions.width}`,
      deliveryFrom: (ref: ShippingRepresentation) =>
        ref.vendor.__typename === 'LocalVendor' ? `local: ${ref.vendor.city}` : `import: ${ref.vendor.country}`,
      support: (ref: ShippingRepresentation) => `${ref.contact.label}: ${ref.contact.address ?? ref.contact.number}`,
    },
  },
};

// A chain across three subgraphs: catalog.price → tax.tax (requires price) → checkout.total (requires price and tax).
const tax: SubgraphDefinition = {
  name: 'tax',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@external', '@requires')}
    type Product @key(fields: "id") {
      id: ID!
      price: Int! @external
      tax: Int! @requires(fields: "price")
    }
  `,
  resolvers: {
    Product: {
      __resolveReference: (ref: { id: string; price: number }) => ref,
      tax: (ref: { price: number }) => ref.price / 5,
    },
  },
};

const checkout: SubgraphDefinition = {
  name: 'checkout',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@external', '@requires')}
    type Product @key(fields: "id") {
      id: ID!
      price: Int! @external
      tax: Int! @external
      total: Int! @requires(fields: "price tax")
    }
  `,
  resolvers: {
    Product: {
      __resolveReference: (ref: { id: string; price: number; tax: number }) => ref,
      total: (ref: { price: number; tax: number }) => ref.price + ref.tax,
    },
  },
};

describe('@requires', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([catalog, shipping, tax, checkout]);
  });
  afterAll(() => graph?.close());

  it('sends the required field to the requiring subgraph without it being selected', async () => {
    const response = await graph.query(/* GraphQL */ `{ products { name shippingCost(zone: DOMESTIC) } }`);
    expectData(response, {
      products: [
        { name: 'Desk', shippingCost: 20 },
        { name: 'Lamp', shippingCost: 2 },
      ],
    });
  });

  it('forwards the arguments of a field with @requires, per alias', async () => {
    const response = await graph.query(
      /* GraphQL */ `
        query ($zone: Zone!) {
          products { id weight home: shippingCost(zone: DOMESTIC) away: shippingCost(zone: $zone) }
        }
      `,
      { zone: 'INTERNATIONAL' },
    );
    expectData(response, {
      products: [
        { id: 'p1', weight: 20, home: 20, away: 100 },
        { id: 'p2', weight: 2, home: 2, away: 10 },
      ],
    });
  });

  it('sends a nested selection required with `dimensions { length width }`', async () => {
    const response = await graph.query(/* GraphQL */ `{ products { id packaging } }`);
    expectData(response, {
      products: [
        { id: 'p1', packaging: 'box 120x60' },
        { id: 'p2', packaging: 'box 20x20' },
      ],
    });
  });

  it('sends a union selection required with inline fragments', async () => {
    const response = await graph.query(/* GraphQL */ `{ products { id deliveryFrom } }`);
    expectData(response, {
      products: [
        { id: 'p1', deliveryFrom: 'local: Lyon' },
        { id: 'p2', deliveryFrom: 'import: Japan' },
      ],
    });
  });

  it('sends an interface selection required with inline fragments', async () => {
    const response = await graph.query(/* GraphQL */ `{ products { id support } }`);
    expectData(response, {
      products: [
        { id: 'p1', support: 'sales: desk@example.com' },
        { id: 'p2', support: 'support: +81 3 0000' },
      ],
    });
  });

  it('resolves a chain of requires across three subgraphs', async () => {
    const response = await graph.query(/* GraphQL */ `{ products { id total } }`);
    expectData(response, {
      products: [
        { id: 'p1', total: 240 },
        { id: 'p2', total: 48 },
      ],
    });
  });

  it('resolves the chain when the intermediate field is selected too', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ products { name price tax total shippingCost(zone: INTERNATIONAL) } }`),
    );
    expectData(result, {
      products: [
        { name: 'Desk', price: 200, tax: 40, total: 240, shippingCost: 100 },
        { name: 'Lamp', price: 40, tax: 8, total: 48, shippingCost: 10 },
      ],
    });
    expect(requests).toEqual({ catalog: 1, shipping: 1, tax: 1, checkout: 1 });
  });
});
