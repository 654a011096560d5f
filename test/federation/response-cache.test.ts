import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleSubgraphs, type RunningExampleSubgraphs } from '../../subgraphs/index.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { cacheStatus, setCachePolicy } from '../request-path/cache-fixtures.js';
import { federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

// The cache adds `__typename` and key fields (reserved aliases) to the operations it may cache and
// takes them out of the answer: the answer must be exactly what the operation gets uncached.

/** The same operation uncached (before any policy), as a miss and as a hit: three equal answers. */
async function expectSameAnswers(gatehouse: Pick<RunningGatehouse, 'query'>, query: string, uncached: unknown): Promise<void> {
  const miss = await gatehouse.query(query);
  expect(cacheStatus(miss)).toBe('MISS');
  expect(miss.body).toEqual(uncached);
  const hit = await gatehouse.query(query);
  expect(cacheStatus(hit)).toBe('HIT');
  expect(hit.body).toEqual(uncached);
}

describe('response cache on the example graph (@requires, @provides, entities across four subgraphs)', () => {
  let subgraphs: RunningExampleSubgraphs;
  let gatehouse: RunningGatehouse;
  const queries = [
    '{ topProducts(first: 5) { upc name price shippingEstimate inStock reviewCount reviews { body author { username name } } } }',
    '{ product(upc: "29") { name reviews { author { name reviews { product { name reviews { author { name } } } } } } } }',
    '{ topProducts(first: 2) { __typename name reviews { __typename id rating } } }',
  ];

  beforeAll(async () => {
    subgraphs = await startExampleSubgraphs();
    gatehouse = await startGatehouse({ backends: subgraphs.map(({ name, url }) => ({ name, url })) });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await subgraphs?.[Symbol.asyncDispose]();
  });

  it('answers exactly as without the cache', async () => {
    const uncached = [];
    for (const query of queries) {
      const response = await gatehouse.query(query);
      expect(cacheStatus(response)).toBe('BYPASS');
      expect(response.body.errors).toBeUndefined();
      uncached.push(response.body);
    }
    for (const type of ['Product', 'Review', 'User']) await setCachePolicy(gatehouse, type, 60);
    for (const [index, query] of queries.entries()) await expectSameAnswers(gatehouse, query, uncached[index]);
  });
});

const items = new Map([
  ['b1', { __typename: 'Book', id: 'b1', title: 'Dune', author: 'Herbert' }],
  ['m1', { __typename: 'Magazine', id: 'm1', title: 'Wired', issue: 42 }],
  ['b2', { __typename: 'Book', id: 'b2', title: 'Emma', author: 'Austen' }],
]);

const catalog: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Query {
      products: [Product!]!
      search(term: String!): [SearchResult!]!
    }
    type Mutation { retitle(id: ID!, title: String!): Product }
    interface Product { id: ID! title: String! }
    type Book implements Product @key(fields: "id") { id: ID! title: String! author: String! }
    type Magazine implements Product @key(fields: "id") { id: ID! title: String! issue: Int! }
    union SearchResult = Book | Magazine
  `,
  resolvers: {
    Query: {
      products: () => [...items.values()],
      search: (_: unknown, { term }: { term: string }) => [...items.values()].filter((item) => item.title.toLowerCase().includes(term)),
    },
    Mutation: {
      retitle: (_: unknown, { id, title }: { id: string; title: string }) => {
        const item = items.get(id);
        if (item) item.title = title;
        return item;
      },
    },
    Product: { __resolveType: (item: { __typename: string }) => item.__typename },
    SearchResult: { __resolveType: (item: { __typename: string }) => item.__typename },
    Book: { __resolveReference: (ref: { id: string }) => items.get(ref.id) },
    Magazine: { __resolveReference: (ref: { id: string }) => items.get(ref.id) },
  },
};

const reviews: SubgraphDefinition = {
  name: 'reviews',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Book @key(fields: "id") { id: ID! reviewCount: Int! }
    type Magazine @key(fields: "id") { id: ID! reviewCount: Int! }
  `,
  resolvers: {
    Book: { __resolveReference: (ref: { id: string }) => ({ ...ref, reviewCount: 2 }) },
    Magazine: { __resolveReference: (ref: { id: string }) => ({ ...ref, reviewCount: 1 }) },
  },
};

describe('response cache on interfaces and unions', () => {
  let graph: FederatedGraph;
  const products = '{ products { title ... on Book { author reviewCount } ... on Magazine { issue } } }';
  const search = '{ search(term: "wired") { ... on Magazine { title reviewCount } } }';
  const otherBook = '{ search(term: "emma") { ... on Book { title } } }';

  beforeAll(async () => {
    graph = await startFederatedGraph([catalog, reviews]);
  });
  afterAll(() => graph?.close());

  it('answers exactly as without the cache, entities found under abstract positions', async () => {
    const uncached = [await graph.query(products), await graph.query(search)].map((response) => response.body);
    expect(uncached[0]).toEqual({
      data: {
        products: [
          { title: 'Dune', author: 'Herbert', reviewCount: 2 },
          { title: 'Wired', issue: 42 },
          { title: 'Emma', author: 'Austen', reviewCount: 2 },
        ],
      },
    });
    const other = (await graph.query(otherBook)).body;
    for (const type of ['Product', 'SearchResult']) await setCachePolicy(graph.gateway, type, 60);
    await expectSameAnswers(graph, products, uncached[0]);
    await expectSameAnswers(graph, search, uncached[1]);
    await expectSameAnswers(graph, otherBook, other);
  });

  it('invalidates by the key of an entity a mutation returns through an interface', async () => {
    // Neither the operation nor the mutation selects `id` or `__typename`: the cache asks for them.
    const renamed = await graph.query('mutation { retitle(id: "b1", title: "Dune Messiah") { title } }');
    expect(renamed.body).toEqual({ data: { retitle: { title: 'Dune Messiah' } } });
    const fresh = await graph.query(products);
    expect(cacheStatus(fresh)).toBe('MISS');
    expect(fresh.body.data?.products).toContainEqual({ title: 'Dune Messiah', author: 'Herbert', reviewCount: 2 });
    expect(cacheStatus(await graph.query(search))).toBe('HIT');
    // Another Book: the invalidation was by key, not of every Book.
    expect(cacheStatus(await graph.query(otherBook))).toBe('HIT');
  });
});
