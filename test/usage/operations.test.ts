import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { describeOperation, identifyDocument } from '../../src/usage/operations.js';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    product(upc: ID!): Product
    search(filter: Filter, order: Order): [Result!]!
    node(id: ID!): Node
  }
  interface Node { id: ID! }
  type Product implements Node { id: ID! name: String! price(currency: Currency = EUR): Int! }
  type Review implements Node { id: ID! body: String! }
  union Result = Product | Review
  input Filter { name: String, range: Range }
  input Range { min: Int, max: Int }
  enum Currency { EUR USD }
  enum Order { NEWEST OLDEST }
`);

describe('schema coordinates of an operation', () => {
  it('lists fields, arguments, literal input fields and enum values, fragments included', () => {
    const document = parse(/* GraphQL */ `
      query Search($upc: ID!, $skip: Boolean!) {
        product(upc: $upc) { ...Named price(currency: USD) @skip(if: $skip) __typename }
        search(filter: { name: "x" }, order: NEWEST) { ... on Review { body } }
      }
      fragment Named on Product { name }
    `);
    expect(describeOperation(schema, document, 'Search')?.coordinates).toEqual([
      'Currency.USD',
      'Filter.name',
      'Order.NEWEST',
      'Product.name',
      'Product.price',
      'Product.price.currency',
      'Query.product',
      'Query.product.upc',
      'Query.search',
      'Query.search.filter',
      'Query.search.order',
      'Result',
      'Review.body',
    ]);
  });

  it('counts a whole input type (and the types inside it) when it comes in a variable, and interface fields by interface', () => {
    const document = parse('query($filter: Filter) { search(filter: $filter) { __typename } node(id: "1") { id } }');
    expect(describeOperation(schema, document, undefined)?.coordinates).toEqual([
      'Filter',
      'Node.id',
      'Query.node',
      'Query.node.id',
      'Query.search',
      'Query.search.filter',
      'Range',
      'Result',
    ]);
  });

  it('is computed once per schema and document, and names the operation chosen', () => {
    const document = parse('query A { product(upc: "1") { name } } query B { node(id: "1") { id } }');
    const a = describeOperation(schema, document, 'A');
    expect(describeOperation(schema, document, 'A')).toBe(a);
    expect(a).toMatchObject({ operationName: 'A', operationType: 'query', documentHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(describeOperation(schema, document, 'B')?.coordinates).toEqual(['Node.id', 'Query.node', 'Query.node.id']);
    expect(describeOperation(schema, document, 'C')).toBeNull();
    expect(identifyDocument(parse('query Bad { nope }'), undefined)).toMatchObject({ operationName: 'Bad' });
  });
});
