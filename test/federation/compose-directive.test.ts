import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

// Two subgraphs declare the custom directive `@lowercase` from their own spec and ask for it to be
// composed into the supergraph. Subgraphs apply it themselves (the resolvers lowercase); the gateway
// only has to compose and carry it.
const LINKS = /* GraphQL */ `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@composeDirective"])
    @link(url: "https://gatehouse.example/text/v1.0", import: ["@lowercase"])
    @composeDirective(name: "@lowercase")
  directive @lowercase on FIELD_DEFINITION
`;

const products = [
  { id: 'p1', name: 'Big LAMP', brand: 'ACME Corp' },
  { id: 'p2', name: 'Small Desk', brand: 'Globex' },
];

const catalog: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: /* GraphQL */ `
    ${LINKS}
    type Query { products: [Product!]! }
    type Product @key(fields: "id") {
      id: ID!
      name: String! @lowercase
    }
  `,
  resolvers: {
    Query: { products: () => products },
    Product: {
      __resolveReference: (ref: { id: string }) => products.find((product) => product.id === ref.id),
      name: (product: { name: string }) => product.name.toLowerCase(),
    },
  },
};

const brands: SubgraphDefinition = {
  name: 'brands',
  typeDefs: /* GraphQL */ `
    ${LINKS}
    type Product @key(fields: "id") {
      id: ID!
      brand: String! @lowercase
    }
  `,
  resolvers: {
    Product: {
      __resolveReference: (ref: { id: string }) => products.find((product) => product.id === ref.id),
      brand: (product: { brand: string }) => product.brand.toLowerCase(),
    },
  },
};

describe('@composeDirective', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([catalog, brands]);
  });
  afterAll(() => graph?.close());

  it('composes the custom directive into the supergraph', () => {
    const sdl = graph.gateway.gatehouse.served.current?.supergraphSdl ?? '';
    expect(sdl).toContain('directive @lowercase on FIELD_DEFINITION');
    expect(sdl).toMatch(/name: String! @lowercase/);
    expect(sdl).toMatch(/brand: String! @lowercase/);
  });

  it('keeps the composed directive in the API schema', async () => {
    const response = await graph.query(/* GraphQL */ `{ __schema { directives { name } } }`);
    expectData(response, {
      __schema: {
        directives: [
          { name: 'include' },
          { name: 'skip' },
          { name: 'deprecated' },
          { name: 'specifiedBy' },
          { name: 'oneOf' },
          { name: 'lowercase' },
        ],
      },
    });
  });

  it('resolves fields carrying the directive across both subgraphs', async () => {
    const response = await graph.query(/* GraphQL */ `{ products { id name brand } }`);
    expectData(response, {
      products: [
        { id: 'p1', name: 'big lamp', brand: 'acme corp' },
        { id: 'p2', name: 'small desk', brand: 'globex' },
      ],
    });
  });
});
