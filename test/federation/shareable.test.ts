import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

// Both subgraphs can resolve Product.name, Product.price (a shareable value type) and Query.currency.
const products = [
  { id: 'p1', name: 'Pen', price: { amount: 2, currency: 'EUR' }, color: 'blue', rating: 4 },
  { id: 'p2', name: 'Ink', price: { amount: 9, currency: 'EUR' }, color: 'black', rating: 5 },
];
const byId = (id: string) => products.find((product) => product.id === id);

const shop: SubgraphDefinition = {
  name: 'shop',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@shareable')}
    type Query {
      shopProducts: [Product!]!
      currency: String! @shareable
    }
    type Product @key(fields: "id") {
      id: ID!
      name: String! @shareable
      price: Money! @shareable
      color: String!
    }
    type Money @shareable {
      amount: Int!
      currency: String!
    }
  `,
  resolvers: {
    Query: { shopProducts: () => products, currency: () => 'EUR' },
    Product: { __resolveReference: (ref: { id: string }) => byId(ref.id) },
  },
};

const marketplace: SubgraphDefinition = {
  name: 'marketplace',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@shareable')}
    type Query {
      marketProducts: [Product!]!
      currency: String! @shareable
    }
    type Product @key(fields: "id") {
      id: ID!
      name: String! @shareable
      price: Money! @shareable
      rating: Int!
    }
    type Money @shareable {
      amount: Int!
      currency: String!
    }
  `,
  resolvers: {
    Query: { marketProducts: () => [...products].reverse(), currency: () => 'EUR' },
    Product: { __resolveReference: (ref: { id: string }) => byId(ref.id) },
  },
};

describe('@shareable', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([shop, marketplace]);
  });
  afterAll(() => graph?.close());

  it('resolves shareable fields from the subgraph that is already fetching the entity (shop)', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ shopProducts { id name price { amount currency } color } }`),
    );
    expectData(result, {
      shopProducts: [
        { id: 'p1', name: 'Pen', price: { amount: 2, currency: 'EUR' }, color: 'blue' },
        { id: 'p2', name: 'Ink', price: { amount: 9, currency: 'EUR' }, color: 'black' },
      ],
    });
    expect(requests).toEqual({ shop: 1, marketplace: 0 });
  });

  it('resolves shareable fields from the subgraph that is already fetching the entity (marketplace)', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ marketProducts { id name price { amount } rating } }`),
    );
    expectData(result, {
      marketProducts: [
        { id: 'p2', name: 'Ink', price: { amount: 9 }, rating: 5 },
        { id: 'p1', name: 'Pen', price: { amount: 2 }, rating: 4 },
      ],
    });
    expect(requests).toEqual({ shop: 0, marketplace: 1 });
  });

  it('combines shareable fields with fields only the other subgraph has', async () => {
    const response = await graph.query(/* GraphQL */ `
      { shopProducts { name rating } marketProducts { name color } }
    `);
    expectData(response, {
      shopProducts: [
        { name: 'Pen', rating: 4 },
        { name: 'Ink', rating: 5 },
      ],
      marketProducts: [
        { name: 'Ink', color: 'black' },
        { name: 'Pen', color: 'blue' },
      ],
    });
  });

  it('resolves a shareable root field from exactly one of the subgraphs', async () => {
    const { result, requests } = await graph.countRequests(() => graph.query(/* GraphQL */ `{ currency }`));
    expectData(result, { currency: 'EUR' });
    expect(requests.shop! + requests.marketplace!).toBe(1);
  });
});

// `featured` is shareable, but only `media` knows every member of the union it returns: `library`
// has no Movie. Selecting Movies below it must not be planned through `library` (Federation 2:
// a subgraph can only return the union members it defines).
const items = [
  { __typename: 'Book', id: 'b1', title: 'Dune' },
  { __typename: 'Movie', id: 'm1', title: 'Alien', minutes: 117 },
];

const media: SubgraphDefinition = {
  name: 'media',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@shareable')}
    type Query { featured: [Item!]! @shareable }
    union Item = Book | Movie
    type Book @key(fields: "id") { id: ID! title: String! @shareable }
    type Movie @key(fields: "id") { id: ID! title: String! minutes: Int! }
  `,
  resolvers: {
    Query: { featured: () => items },
    Item: { __resolveType: (item: { __typename: string }) => item.__typename },
    Book: { __resolveReference: (ref: { id: string }) => items.find((item) => item.id === ref.id) },
    Movie: { __resolveReference: (ref: { id: string }) => items.find((item) => item.id === ref.id) },
  },
};

const library: SubgraphDefinition = {
  name: 'library',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@shareable')}
    type Query { featured: [Item!]! @shareable }
    union Item = Book
    type Book @key(fields: "id") { id: ID! title: String! @shareable pages: Int! }
  `,
  resolvers: {
    Query: { featured: () => items.filter((item) => item.__typename === 'Book') },
    Item: { __resolveType: () => 'Book' },
    Book: { __resolveReference: (ref: { id: string }) => ({ ...items.find((item) => item.id === ref.id), pages: 412 }) },
  },
};

describe('@shareable fields returning a union whose members differ between subgraphs', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([media, library]);
  });
  afterAll(() => graph?.close());

  it('plans members only one subgraph defines through that subgraph', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ featured { __typename ... on Book { title } ... on Movie { title minutes } } }`),
    );
    expectData(result, {
      featured: [
        { __typename: 'Book', title: 'Dune' },
        { __typename: 'Movie', title: 'Alien', minutes: 117 },
      ],
    });
    expect(requests.media).toBe(1);
  });

  it('still fetches a member field only the other subgraph has, by key', async () => {
    const response = await graph.query(/* GraphQL */ `{ featured { ... on Book { title pages } ... on Movie { minutes } } }`);
    expectData(response, { featured: [{ title: 'Dune', pages: 412 }, { minutes: 117 }] });
  });
});

// The same rule for an interface: `archive` has no Podcast implementing Episode.
const episodes = [
  { __typename: 'Show', id: 's1', title: 'News' },
  { __typename: 'Podcast', id: 'p1', title: 'Deep Dive' },
];

const broadcast: SubgraphDefinition = {
  name: 'broadcast',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@shareable')}
    type Query { latest: [Episode!]! @shareable }
    interface Episode { id: ID! title: String! }
    type Show implements Episode @key(fields: "id") { id: ID! title: String! @shareable }
    type Podcast implements Episode @key(fields: "id") { id: ID! title: String! }
  `,
  resolvers: {
    Query: { latest: () => episodes },
    Episode: { __resolveType: (episode: { __typename: string }) => episode.__typename },
  },
};

const archive: SubgraphDefinition = {
  name: 'archive',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@shareable')}
    type Query { latest: [Episode!]! @shareable }
    interface Episode { id: ID! title: String! }
    type Show implements Episode @key(fields: "id") { id: ID! title: String! @shareable }
  `,
  resolvers: {
    Query: { latest: () => episodes.filter((episode) => episode.__typename === 'Show') },
    Episode: { __resolveType: () => 'Show' },
  },
};

describe('@shareable fields returning an interface whose implementations differ between subgraphs', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([broadcast, archive]);
  });
  afterAll(() => graph?.close());

  it('plans implementations only one subgraph defines through that subgraph', async () => {
    const response = await graph.query(/* GraphQL */ `{ latest { __typename id title } }`);
    expectData(response, {
      latest: [
        { __typename: 'Show', id: 's1', title: 'News' },
        { __typename: 'Podcast', id: 'p1', title: 'Deep Dive' },
      ],
    });
  });
});
