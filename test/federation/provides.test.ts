import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

// Every @provides case asserts the owner got no request at all: a provided field
// that the gateway fetches anyway would still give the right data, only slower.

const users = [{ id: 'u1', username: 'ada', email: 'ada@example.com' }];

const accounts: SubgraphDefinition = {
  name: 'accounts',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Query { me: User! }
    type User @key(fields: "id") {
      id: ID!
      username: String!
      email: String!
    }
  `,
  resolvers: {
    Query: { me: () => users[0] },
    User: { __resolveReference: (ref: { id: string }) => users.find((user) => user.id === ref.id) },
  },
};

const reviews: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@external', '@provides')}
    type Query { reviews: [Review!]! }
    type Review {
      body: String!
      author: User! @provides(fields: "username")
    }
    type User @key(fields: "id") {
      id: ID!
      username: String! @external
    }
  `,
  resolvers: {
    Query: { reviews: () => [{ body: 'Great', author: { id: 'u1', username: 'ada' } }] },
  },
};

const authors = [
  { id: 'a1', name: 'Frank Herbert', born: 1920 },
  { id: 'a2', name: 'Jane Austen', born: 1775 },
];
const books = [
  { __typename: 'Book', id: 'b1', title: 'Dune', pages: 412, author: authors[0] },
  { __typename: 'Book', id: 'b2', title: 'Emma', pages: 474, author: authors[1] },
];
const movies = [{ __typename: 'Movie', id: 'm1', title: 'Alien', minutes: 117 }];

const library: SubgraphDefinition = {
  name: 'library',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Query { books: [Book!]! }
    type Book @key(fields: "id") {
      id: ID!
      title: String!
      pages: Int!
      author: Author!
    }
    type Author @key(fields: "id") {
      id: ID!
      name: String!
      born: Int!
    }
    type Movie @key(fields: "id") {
      id: ID!
      title: String!
      minutes: Int!
    }
  `,
  resolvers: {
    Query: { books: () => books },
    Book: { __resolveReference: (ref: { id: string }) => books.find((book) => book.id === ref.id) },
    Author: { __resolveReference: (ref: { id: string }) => authors.find((author) => author.id === ref.id) },
    Movie: { __resolveReference: (ref: { id: string }) => movies.find((movie) => movie.id === ref.id) },
  },
};

// `media` holds copies of titles and author names and says so with @provides.
const media: SubgraphDefinition = {
  name: 'media',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@external', '@provides')}
    type Query {
      media: [Media!]! @provides(fields: "... on Book { title } ... on Movie { title }")
      items: [Item!]! @provides(fields: "... on Book { title }")
      shelves: [Shelf!]!
    }
    union Media = Book | Movie
    interface Item {
      id: ID!
    }
    type Shelf {
      name: String!
      books: [Book!]! @provides(fields: "title author { name }")
    }
    type Book implements Item @key(fields: "id") {
      id: ID!
      title: String! @external
      author: Author! @external
    }
    type Movie implements Item @key(fields: "id") {
      id: ID!
      title: String! @external
    }
    type Author @key(fields: "id") {
      id: ID!
      name: String! @external
    }
  `,
  resolvers: {
    Query: {
      media: () => [...books, ...movies],
      items: () => [...books, ...movies],
      shelves: () => [{ name: 'Classics', books }],
    },
    Item: { __resolveType: (item: { __typename: string }) => item.__typename },
    Media: { __resolveType: (item: { __typename: string }) => item.__typename },
  },
};

describe('@provides', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([accounts, reviews, library, media]);
  });
  afterAll(() => graph?.close());

  it('takes a provided field from the providing subgraph', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ reviews { body author { id username } } }`),
    );
    expectData(result, { reviews: [{ body: 'Great', author: { id: 'u1', username: 'ada' } }] });
    expect(requests.accounts).toBe(0);
  });

  it('still fetches fields that are not provided from the owner', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ reviews { author { username email } } }`),
    );
    expectData(result, { reviews: [{ author: { username: 'ada', email: 'ada@example.com' } }] });
    expect(requests.accounts).toBe(1);
  });

  it('takes provided fields on a union-typed field from the providing subgraph', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `
        { media { __typename ... on Book { id title } ... on Movie { id title } } }
      `),
    );
    expectData(result, {
      media: [
        { __typename: 'Book', id: 'b1', title: 'Dune' },
        { __typename: 'Book', id: 'b2', title: 'Emma' },
        { __typename: 'Movie', id: 'm1', title: 'Alien' },
      ],
    });
    expect(requests.library).toBe(0);
  });

  it('mixes provided and owner-only fields under a union', async () => {
    const response = await graph.query(/* GraphQL */ `
      { media { ... on Book { title pages } ... on Movie { title minutes } } }
    `);
    expectData(response, {
      media: [
        { title: 'Dune', pages: 412 },
        { title: 'Emma', pages: 474 },
        { title: 'Alien', minutes: 117 },
      ],
    });
  });

  it('takes provided fields on an interface-typed field and fetches the rest', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ items { id ... on Book { title } ... on Movie { title } } }`),
    );
    // Only Book.title is provided on `items`; Movie.title must come from library.
    expectData(result, {
      items: [
        { id: 'b1', title: 'Dune' },
        { id: 'b2', title: 'Emma' },
        { id: 'm1', title: 'Alien' },
      ],
    });
    expect(requests.library).toBe(1);
  });

  it('takes a nested provided selection (title author { name }) from the providing subgraph', async () => {
    const { result, requests } = await graph.countRequests(() =>
      graph.query(/* GraphQL */ `{ shelves { name books { title author { name } } } }`),
    );
    expectData(result, {
      shelves: [
        {
          name: 'Classics',
          books: [
            { title: 'Dune', author: { name: 'Frank Herbert' } },
            { title: 'Emma', author: { name: 'Jane Austen' } },
          ],
        },
      ],
    });
    expect(requests.library).toBe(0);
  });

  it('fetches fields outside a nested provided selection from the owner', async () => {
    const response = await graph.query(/* GraphQL */ `{ shelves { books { pages author { name born } } } }`);
    expectData(response, {
      shelves: [
        {
          books: [
            { pages: 412, author: { name: 'Frank Herbert', born: 1920 } },
            { pages: 474, author: { name: 'Jane Austen', born: 1775 } },
          ],
        },
      ],
    });
  });
});
