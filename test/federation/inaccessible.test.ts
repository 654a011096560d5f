import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

// `internalCode` and `legacyId` are @inaccessible: not part of the API schema, but the gateway
// still uses them, as a @requires input and as the only key `ratings` knows.
const products = [
  { id: 'p1', legacyId: 'L-100', internalCode: 'X9', name: 'Mug', audit: { by: 'ops' } },
  { id: 'p2', legacyId: 'L-200', internalCode: 'Y7', name: 'Cup', audit: { by: 'qa' } },
];

const catalog: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@inaccessible')}
    type Query {
      products: [Product!]!
      auditLog: [AuditEntry!]! @inaccessible
    }
    type Product @key(fields: "id") @key(fields: "legacyId") {
      id: ID!
      legacyId: ID! @inaccessible
      internalCode: String! @inaccessible
      name: String!
      audit: AuditEntry @inaccessible
    }
    type AuditEntry @inaccessible {
      by: String!
    }
  `,
  resolvers: {
    Query: { products: () => products, auditLog: () => products.map((product) => product.audit) },
    Product: {
      __resolveReference: (ref: { id?: string; legacyId?: string }) =>
        products.find((product) => product.id === ref.id || product.legacyId === ref.legacyId),
    },
  },
};

const labels: SubgraphDefinition = {
  name: 'labels',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@external', '@requires')}
    type Product @key(fields: "id") {
      id: ID!
      internalCode: String! @external
      label: String! @requires(fields: "internalCode")
    }
  `,
  resolvers: {
    Product: {
      __resolveReference: (ref: { id: string; internalCode: string }) => ref,
      label: (ref: { internalCode: string }) => `code ${ref.internalCode}`,
    },
  },
};

const ratings: SubgraphDefinition = {
  name: 'ratings',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@inaccessible')}
    type Product @key(fields: "legacyId") {
      legacyId: ID! @inaccessible
      stars: Int!
    }
  `,
  resolvers: {
    Product: {
      __resolveReference: (ref: { legacyId: string }) => ({ ...ref, stars: ref.legacyId === 'L-100' ? 4 : 2 }),
    },
  },
};

describe('@inaccessible', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([catalog, labels, ratings]);
  });
  afterAll(() => graph?.close());

  it('hides inaccessible fields, root fields and types from introspection', async () => {
    const response = await graph.query(/* GraphQL */ `
      {
        product: __type(name: "Product") { fields { name } }
        query: __type(name: "Query") { fields { name } }
        audit: __type(name: "AuditEntry") { name }
      }
    `);
    expectData(response, {
      product: { fields: [{ name: 'id' }, { name: 'name' }, { name: 'label' }, { name: 'stars' }] },
      query: { fields: [{ name: 'products' }] },
      audit: null,
    });
  });

  it.each([
    ['an entity field', '{ products { name internalCode } }', 'Cannot query field "internalCode" on type "Product".', 19],
    ['a root field', '{ auditLog { by } }', 'Cannot query field "auditLog" on type "Query".', 3],
  ])('rejects a query that selects %s that is inaccessible as a validation error', async (_what, query, message, column) => {
    const response = await graph.query(query);
    expect(response.body).toEqual({
      errors: [{ message, locations: [{ line: 1, column }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
    });
    expect(response.status).toBe(400);
  });

  it('still sends an inaccessible field as a @requires input', async () => {
    const response = await graph.query(/* GraphQL */ `{ products { name label } }`);
    expectData(response, {
      products: [
        { name: 'Mug', label: 'code X9' },
        { name: 'Cup', label: 'code Y7' },
      ],
    });
  });

  it('still joins through an inaccessible key', async () => {
    const response = await graph.query(/* GraphQL */ `{ products { id stars } }`);
    expectData(response, {
      products: [
        { id: 'p1', stars: 4 },
        { id: 'p2', stars: 2 },
      ],
    });
  });
});
