import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

const products = [
  { id: 'p1', name: 'Oar' },
  { id: 'p2', name: 'Sail' },
  { id: 'p3', name: 'Rope' },
];
const books = [
  { upc: 'u1', isbn: 'i1', title: 'Ulysses', author: 'Joyce' },
  { upc: 'u2', isbn: 'i2', title: 'Beloved', author: 'Morrison' },
  { upc: 'u3', isbn: 'i3', title: 'Anonymous', author: 'Nobody' },
];

const catalog: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Query {
      products: [Product!]!
      books: [Book!]!
    }
    type Product @key(fields: "id") {
      id: ID!
      name: String!
    }
    type Book @key(fields: "upc") {
      upc: ID!
      title: String!
    }
  `,
  resolvers: {
    Query: { products: () => products, books: () => books },
    Product: { __resolveReference: (ref: { id: string }) => products.find((product) => product.id === ref.id) },
    Book: { __resolveReference: (ref: { upc: string }) => books.find((book) => book.upc === ref.upc) },
  },
};

// Knows nothing about p2: `_entities` answers null for it.
const inventory: SubgraphDefinition = {
  name: 'inventory',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Product @key(fields: "id") {
      id: ID!
      stock: Int
    }
  `,
  resolvers: {
    Product: { __resolveReference: (ref: { id: string }) => (ref.id === 'p2' ? null : { ...ref, stock: ref.id === 'p1' ? 5 : 0 }) },
  },
};

const reviews: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Query { reviews: [Review!]! }
    type Review {
      body: String!
      product: Product
    }
    type Product @key(fields: "id", resolvable: false) {
      id: ID!
    }
  `,
  resolvers: {
    Query: {
      reviews: () => [
        { body: 'Sturdy', product: { id: 'p1' } },
        { body: 'Product was withdrawn', product: null },
        { body: 'Frayed', product: { id: 'p3' } },
      ],
    },
  },
};

// The only way from upc to isbn; it has no isbn for u3, so the author of u3 cannot be reached.
const isbns: SubgraphDefinition = {
  name: 'isbns',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Book @key(fields: "upc") @key(fields: "isbn") {
      upc: ID!
      isbn: ID!
    }
  `,
  resolvers: {
    Book: {
      __resolveReference: (ref: { upc?: string; isbn?: string }) => {
        const book = books.find((candidate) => candidate.upc === ref.upc || candidate.isbn === ref.isbn);
        return book && book.upc !== 'u3' ? { upc: book.upc, isbn: book.isbn } : null;
      },
    },
  },
};

const authors: SubgraphDefinition = {
  name: 'authors',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Book @key(fields: "isbn") {
      isbn: ID!
      author: Author
    }
    type Author {
      name: String!
    }
  `,
  resolvers: {
    Book: {
      __resolveReference: (ref: { isbn: string }) => ({ ...ref, author: { name: books.find((book) => book.isbn === ref.isbn)?.author } }),
    },
  },
};

describe('null entities and null keys', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([catalog, inventory, reviews, isbns, authors]);
  });
  afterAll(() => graph?.close());

  it('gives null fields, and no error, for an entity the subgraph resolves to null', async () => {
    const response = await graph.query(/* GraphQL */ `{ products { id name stock } }`);
    expectData(response, {
      products: [
        { id: 'p1', name: 'Oar', stock: 5 },
        { id: 'p2', name: 'Sail', stock: null },
        { id: 'p3', name: 'Rope', stock: 0 },
      ],
    });
  });

  it('returns a null reference as null and fetches only the others', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ reviews { body product { id name stock } } }`),
    );
    expectData(result, {
      reviews: [
        { body: 'Sturdy', product: { id: 'p1', name: 'Oar', stock: 5 } },
        { body: 'Product was withdrawn', product: null },
        { body: 'Frayed', product: { id: 'p3', name: 'Rope', stock: 0 } },
      ],
    });
    expect(requests).toEqual({ catalog: 1, inventory: 1, reviews: 1, isbns: 0, authors: 0 });
  });

  it('gives null for a field behind a key that an intermediate subgraph could not supply', async () => {
    const response = await graph.query(/* GraphQL */ `{ books { upc title author { name } } }`);
    expectData(response, {
      books: [
        { upc: 'u1', title: 'Ulysses', author: { name: 'Joyce' } },
        { upc: 'u2', title: 'Beloved', author: { name: 'Morrison' } },
        { upc: 'u3', title: 'Anonymous', author: null },
      ],
    });
  });
});
