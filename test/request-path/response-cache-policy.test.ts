import { buildSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readCacheHints } from '../../src/graph/cache-hints.js';
import { operationPolicy } from '../../src/request-path/plugins/response-cache/operation-policy.js';

// Apollo Server's cache control rules, case by case, on a schema with hints in its SDL.
const SDL = /* GraphQL */ `
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION

  type Query {
    book: Book
    hintedBook: Book @cacheControl(maxAge: 10)
    author: Author
    me: User @cacheControl(maxAge: 60, scope: PRIVATE)
    version: String
    hintedVersion: String @cacheControl(maxAge: 5)
    node: Node
    inheriting: Author @cacheControl(inheritMaxAge: true)
  }

  interface Node @cacheControl(maxAge: 40) { id: ID! }

  type Book implements Node @cacheControl(maxAge: 30) {
    id: ID!
    title: String
    price: Int @cacheControl(maxAge: 20)
    author: Author
    coauthor: Author @cacheControl(inheritMaxAge: true)
    secret: String @cacheControl(scope: PRIVATE)
  }

  type Author { name: String }

  type User { name: String }
`;

const schema = buildSchema(SDL);
const hints = readCacheHints([parse(SDL)]);

function policyOf(query: string, policies: Record<string, { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' }> = {}) {
  const document = parse(query);
  const policy = operationPolicy(schema, document, getOperationAST(document)!, (coordinate) => policies[coordinate] ?? hints.get(coordinate));
  return { maxAge: policy.maxAgeSeconds, scope: policy.scope };
}

describe('an operation\'s cache policy (Apollo\'s rules)', () => {
  it.each([
    ['a composite field gets its type\'s hint', '{ book { title } }', { maxAge: 30, scope: 'PUBLIC' }],
    ['the field\'s hint replaces its type\'s', '{ hintedBook { title } }', { maxAge: 10, scope: 'PUBLIC' }],
    ['the lowest maxAge of all fields wins', '{ book { title price } }', { maxAge: 20, scope: 'PUBLIC' }],
    ['a composite field without any hint is 0', '{ book { author { name } } }', { maxAge: 0, scope: 'PUBLIC' }],
    ['a root scalar without a hint is 0', '{ book { title } version }', { maxAge: 0, scope: 'PUBLIC' }],
    ['a root scalar with a hint counts', '{ book { title } hintedVersion }', { maxAge: 5, scope: 'PUBLIC' }],
    ['inheritMaxAge keeps the parent\'s age', '{ book { coauthor { name } } }', { maxAge: 30, scope: 'PUBLIC' }],
    ['inheritMaxAge on a root field is 0', '{ inheriting { name } }', { maxAge: 0, scope: 'PUBLIC' }],
    ['a PRIVATE field makes the operation PRIVATE', '{ book { secret } }', { maxAge: 30, scope: 'PRIVATE' }],
    ['an interface hint applies to an interface field', '{ node { id ... on Book { title } } }', { maxAge: 40, scope: 'PUBLIC' }],
    ['fragments count', 'query { ...Q } fragment Q on Query { book { ...B } } fragment B on Book { price }', { maxAge: 20, scope: 'PUBLIC' }],
    ['__typename counts for nothing', '{ __typename book { __typename title } }', { maxAge: 30, scope: 'PUBLIC' }],
    ['introspection is never cached', '{ book { title } __schema { queryType { name } } }', { maxAge: 0, scope: 'PUBLIC' }],
    ['the cache\'s own aliases are not for clients', '{ book { __gatehouseTypename: title } }', { maxAge: 0, scope: 'PUBLIC' }],
    ['mutations are never cached', 'mutation { x }', { maxAge: 0, scope: 'PUBLIC' }],
  ])('%s', (_rule, query, expected) => {
    expect(policyOf(query)).toEqual(expected);
  });

  it('takes admin policies over the SDL hints, coordinate by coordinate', () => {
    expect(policyOf('{ book { title author { name } } }', { Author: { maxAge: 15 } })).toEqual({ maxAge: 15, scope: 'PUBLIC' });
    expect(policyOf('{ book { title } }', { Book: { maxAge: 300, scope: 'PRIVATE' } })).toEqual({ maxAge: 300, scope: 'PRIVATE' });
    expect(policyOf('{ book { price } }', { 'Book.price': { maxAge: 0 } })).toEqual({ maxAge: 0, scope: 'PUBLIC' });
    expect(policyOf('{ me { name } }')).toEqual({ maxAge: 60, scope: 'PRIVATE' });
  });

  it('takes the strictest hint when several subgraphs hint one coordinate', () => {
    const merged = readCacheHints([
      parse('type Book @cacheControl(maxAge: 30) { id: ID }'),
      parse('type Book @cacheControl(maxAge: 90, scope: PRIVATE) { id: ID title: String @cacheControl(inheritMaxAge: true) }'),
    ]);
    expect(merged.get('Book')).toEqual({ maxAge: 30, scope: 'PRIVATE' });
    expect(merged.get('Book.title')).toEqual({ inheritMaxAge: true });
  });
});
