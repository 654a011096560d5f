import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

// Interface Product is declared in both subgraphs with different fields (title in `catalog`,
// reviewCount in `reviews`); Podcast exists only in `reviews`. Union SearchResult lives in
// `catalog`, union Reviewable in `reviews`.
const items = [
  { __typename: 'Book', id: 'b1', title: 'Dune', author: 'Herbert' },
  { __typename: 'Magazine', id: 'm1', title: 'Wired', issue: 42 },
];
const reviewBodies: Record<string, string[]> = { b1: ['Epic', 'Long'], m1: ['Fresh'], pc1: ['Fun', 'Nerdy', 'Fast'] };
const podcast = { __typename: 'Podcast', id: 'pc1', title: 'Syntax' };

const catalog: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Query {
      products: [Product!]!
      search(term: String!): [SearchResult!]!
    }
    interface Product {
      id: ID!
      title: String!
    }
    type Book implements Product @key(fields: "id") {
      id: ID!
      title: String!
      author: String!
    }
    type Magazine implements Product @key(fields: "id") {
      id: ID!
      title: String!
      issue: Int!
    }
    union SearchResult = Book | Magazine
  `,
  resolvers: {
    Query: {
      products: () => items,
      search: (_: unknown, { term }: { term: string }) => items.filter((item) => item.title.toLowerCase().includes(term)),
    },
    Product: { __resolveType: (item: { __typename: string }) => item.__typename },
    SearchResult: { __resolveType: (item: { __typename: string }) => item.__typename },
    Book: { __resolveReference: (ref: { id: string }) => items.find((item) => item.id === ref.id) },
    Magazine: { __resolveReference: (ref: { id: string }) => items.find((item) => item.id === ref.id) },
  },
};

const withReviews = (item: { id: string }) => ({
  ...item,
  reviewCount: reviewBodies[item.id]?.length ?? 0,
  reviews: (reviewBodies[item.id] ?? []).map((body) => ({ body })),
});

const reviews: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Query { topReviewed: [Reviewable!]! }
    interface Product {
      id: ID!
      reviewCount: Int!
    }
    type Book implements Product @key(fields: "id") {
      id: ID!
      reviewCount: Int!
      reviews: [Review!]!
    }
    type Magazine implements Product @key(fields: "id") {
      id: ID!
      reviewCount: Int!
      reviews: [Review!]!
    }
    type Podcast implements Product @key(fields: "id") {
      id: ID!
      title: String!
      reviewCount: Int!
      reviews: [Review!]!
    }
    type Review {
      body: String!
    }
    union Reviewable = Book | Magazine | Podcast
  `,
  resolvers: {
    Query: {
      topReviewed: () =>
        [podcast, { __typename: 'Book', id: 'b1' }, { __typename: 'Magazine', id: 'm1' }].map(withReviews),
    },
    Product: { __resolveType: (item: { __typename: string }) => item.__typename },
    Reviewable: { __resolveType: (item: { __typename: string }) => item.__typename },
    Book: { __resolveReference: (ref: { id: string }) => withReviews(ref) },
    Magazine: { __resolveReference: (ref: { id: string }) => withReviews(ref) },
    Podcast: { __resolveReference: () => withReviews(podcast) },
  },
};

describe('interfaces and unions across subgraphs', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([catalog, reviews]);
  });
  afterAll(() => graph?.close());

  it('resolves interface fields contributed by another subgraph for each implementation', async () => {
    const response = await graph.query(/* GraphQL */ `
      {
        products {
          __typename
          id
          title
          reviewCount
          ... on Book { author reviews { body } }
          ... on Magazine { issue }
        }
      }
    `);
    expectData(response, {
      products: [
        { __typename: 'Book', id: 'b1', title: 'Dune', reviewCount: 2, author: 'Herbert', reviews: [{ body: 'Epic' }, { body: 'Long' }] },
        { __typename: 'Magazine', id: 'm1', title: 'Wired', reviewCount: 1, issue: 42 },
      ],
    });
  });

  it('resolves per-member fields from another subgraph under a union', async () => {
    const response = await graph.query(/* GraphQL */ `
      {
        search(term: "e") {
          __typename
          ... on Book { title reviews { body } }
          ... on Magazine { title reviewCount }
        }
      }
    `);
    expectData(response, {
      search: [
        { __typename: 'Book', title: 'Dune', reviews: [{ body: 'Epic' }, { body: 'Long' }] },
        { __typename: 'Magazine', title: 'Wired', reviewCount: 1 },
      ],
    });
  });

  it('resolves an interface fragment inside a union whose members live in different subgraphs', async () => {
    const response = await graph.query(/* GraphQL */ `
      {
        topReviewed {
          __typename
          ... on Product { id title reviewCount }
          ...BookDetails
        }
      }
      fragment BookDetails on Book { author }
    `);
    expectData(response, {
      topReviewed: [
        { __typename: 'Podcast', id: 'pc1', title: 'Syntax', reviewCount: 3 },
        { __typename: 'Book', id: 'b1', title: 'Dune', reviewCount: 2, author: 'Herbert' },
        { __typename: 'Magazine', id: 'm1', title: 'Wired', reviewCount: 1 },
      ],
    });
  });

  it('lists the implementations and members of every subgraph in the API schema', async () => {
    const response = await graph.query(/* GraphQL */ `
      {
        product: __type(name: "Product") { fields { name } possibleTypes { name } }
        reviewable: __type(name: "Reviewable") { possibleTypes { name } }
      }
    `);
    expectData(response, {
      product: {
        fields: [{ name: 'id' }, { name: 'title' }, { name: 'reviewCount' }],
        possibleTypes: [{ name: 'Book' }, { name: 'Magazine' }, { name: 'Podcast' }],
      },
      reviewable: { possibleTypes: [{ name: 'Book' }, { name: 'Magazine' }, { name: 'Podcast' }] },
    });
  });
});
