import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';
import { parse, validate, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSubgraphs } from '../../src/graph/compose.js';
import { readSupergraphFacts } from '../../src/graph/supergraph-facts.js';
import { createCostCalculator, type Variables } from '../../src/request-path/cost/calculate-cost.js';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { consumerWithPlan, SHOP_SDL, shop } from './fixtures.js';

/** The schema Gatehouse serves for these subgraphs: composed, then stitched, as a generation is built. */
function servedSchema(backends: Array<{ name: string; sdl: string }>): { schema: GraphQLSchema; supergraphSdl: string } {
  const composed = composeSubgraphs(backends.map((b) => ({ name: b.name, url: `http://${b.name}.test/graphql`, typeDefs: parse(b.sdl) })));
  if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
  const { supergraphSdl } = composed.value;
  return { schema: getStitchedSchemaFromSupergraphSdl({ supergraphSdl }), supergraphSdl };
}

describe('static cost (@cost / @listSize)', () => {
  const { schema, supergraphSdl } = servedSchema([{ name: 'shop', sdl: SHOP_SDL }]);
  const costOf = createCostCalculator({ defaultListSize: 10, directiveNames: () => readSupergraphFacts(supergraphSdl).costDirectiveNames });
  const cost = (query: string, variables?: Variables) => {
    const document = parse(query);
    expect(validate(schema, document)).toEqual([]);
    return costOf(schema, document)(variables);
  };

  const cases: Array<[string, string, Variables | undefined, number]> = [
    ['scalar with @cost', '{ expensive }', undefined, 25],
    ['every alias counts', '{ a: expensive b: expensive }', undefined, 50],
    ['__typename is free', '{ __typename }', undefined, 0],
    ['object weighs 1, scalars 0', '{ product(upc: "p1") { upc name } }', undefined, 1],
    ['list without slicing argument: default size', '{ allProducts { upc } }', undefined, 10],
    ['slicing argument literal', '{ products(first: 5) { upc } }', undefined, 5],
    ['slicing argument variable', 'query($n: Int) { products(first: $n) { upc } }', { n: 7 }, 7],
    ['slicing variable left out: default size', 'query($n: Int) { products(first: $n) { upc } }', {}, 10],
    ['slicing variable default', 'query($n: Int = 3) { products(first: $n) { upc } }', {}, 3],
    ['slicing variable given over its default', 'query($n: Int = 3) { products(first: $n) { upc } }', { n: 4 }, 4],
    ['slicing argument schema default', '{ topProducts { upc } }', undefined, 5],
    ['slicing argument over the schema default', '{ topProducts(limit: 2) { upc } }', undefined, 2],
    ['@listSize(assumedSize)', '{ featured { upc } }', undefined, 3],
    ['nested lists multiply', '{ products(first: 5) { reviews { body } } }', undefined, 5 * (1 + 10)],
    [
      'three levels, field @cost over the type',
      '{ products(first: 2) { related(first: 3) { reviews { author { name } } } } }',
      undefined,
      2 * (1 + 3 * (1 + 10 * (1 + 3))),
    ],
    ['sizedFields take the slicing argument', '{ search(first: 4) { edges { upc } total } }', undefined, 1 + 4],
    ['sizedFields, the other slicing argument', '{ search(last: 6) { edges { upc } } }', undefined, 1 + 6],
    ['sizedFields, variable', 'query($n: Int) { search(first: $n) { edges { upc } } }', { n: 50 }, 1 + 50],
    ['sizedFields without a slicing value: default size', '{ search { edges { upc } } }', undefined, 1 + 10],
    ['@cost on the object type', '{ product(upc: "p1") { price { amount } } }', undefined, 1 + 2],
    ['@cost on the field replaces the type weight', '{ product(upc: "p1") { reviews { author { name } } } }', undefined, 1 + 10 * (1 + 3)],
    ['[[T]]: each dimension', '{ grid { upc } }', undefined, 10 * 10],
    ['named fragment', '{ product(upc: "p1") { ...F } } fragment F on Product { reviews { body } }', undefined, 1 + 10],
    ['inline fragment', '{ product(upc: "p1") { ... on Product { reviews { body } } } }', undefined, 1 + 10],
    ['fragment inside a list', '{ products(first: 3) { ...F } } fragment F on Product { price { amount } }', undefined, 3 * (1 + 2)],
    ['fragments spread twice', '{ ...A } fragment A on Query { ...B ...B } fragment B on Query { expensive }', undefined, 50],
    ['@skip literal', '{ expensive @skip(if: true) allProducts { upc } }', undefined, 10],
    ['@skip variable false', 'query($s: Boolean!) { expensive @skip(if: $s) }', { s: false }, 25],
    ['@skip variable true', 'query($s: Boolean!) { expensive @skip(if: $s) }', { s: true }, 0],
    ['@include on a spread', 'query($i: Boolean!) { ...A @include(if: $i) } fragment A on Query { expensive }', { i: false }, 0],
    ['mutation: base 10 + argument @cost', 'mutation { addReview(upc: "p1", body: "x") { body } }', undefined, 10 + 1 + 7],
    ['input object literal: 1 + input field @cost', '{ node(filter: { name: "x", tags: ["a", "b"] }) { upc } }', undefined, 1 + (1 + 4)],
    ['input object variable', 'query($f: Filter) { node(filter: $f) { upc } }', { f: { name: 'x', tags: ['a'] } }, 1 + (1 + 4)],
    ['input object variable null', 'query($f: Filter) { node(filter: $f) { upc } }', { f: null }, 1],
    ['a huge page is a huge cost', '{ products(first: 1000000) { upc } }', undefined, 1_000_000],
  ];

  it.each(cases)('%s', (_name, query, variables, expected) => {
    expect(cost(query, variables)).toBe(expected);
  });

  it('walks a document once per (schema, document, operation); variables only change the answer', () => {
    const document = parse('query($n: Int) { products(first: $n) { reviews { body } } }');
    const first = costOf(schema, document);
    expect(costOf(schema, document)).toBe(first);
    expect(first({ n: 1 })).toBe(1 + 10);
    expect(first({ n: 2 })).toBe(2 * (1 + 10));
  });

  it('prices the operation named by operationName', () => {
    const document = parse('query Cheap { expensive } query Dear { hundred }');
    expect(costOf(schema, document, 'Cheap')()).toBe(25);
    expect(costOf(schema, document, 'Dear')()).toBe(100);
  });

  it('refuses two slicing arguments where @listSize requires one', () => {
    expect(() => cost('{ search(first: 1, last: 2) { total } }')).toThrow(/exactly one of its slicing arguments/);
    expect(() => cost('query($a: Int, $b: Int) { search(first: $a, last: $b) { total } }', { a: 1, b: 2 })).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) }),
    );
    // A null slicing variable is not an argument given.
    expect(cost('query($a: Int, $b: Int) { search(first: $a, last: $b) { edges { upc } } }', { a: 2, b: null })).toBe(1 + 2);
  });

  it('follows a renamed @cost import through the supergraph @link', () => {
    const renamed = servedSchema([
      {
        name: 'renamed',
        sdl: /* GraphQL */ `
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: [{ name: "@cost", as: "@weight" }, "@listSize"])
          type Query { x: Int @weight(weight: 7) items: [Item!]! @listSize(assumedSize: 4) }
          type Item @weight(weight: 3) { id: ID! }
        `,
      },
    ]);
    const names = readSupergraphFacts(renamed.supergraphSdl).costDirectiveNames;
    expect(names).toEqual({ cost: 'weight', listSize: 'listSize' });
    const calculator = createCostCalculator({ defaultListSize: 10, directiveNames: () => names });
    expect(calculator(renamed.schema, parse('{ x items { id } }'))()).toBe(7 + 4 * 3);
  });
});

describe('query cost on the request path', () => {
  let subgraph: RunningSubgraph;
  let gatehouse: RunningGatehouse;
  let capped: Record<string, string>;

  beforeAll(async () => {
    subgraph = await serveSubgraph(shop);
    gatehouse = await startGatehouse({ backends: [{ name: 'shop', url: subgraph.url }] });
    capped = await consumerWithPlan(gatehouse, 'capped', { maxCost: 50 });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await subgraph?.close();
  });

  it('reports the cost in extensions.cost when asked with x-gatehouse-cost', async () => {
    const asked = await gatehouse.query('{ products(first: 5) { reviews { body } } }', undefined, { 'x-gatehouse-cost': 'true' });
    expect(asked.status).toBe(200);
    expect(asked.body.extensions?.cost).toEqual({ estimated: 55 });
    const notAsked = await gatehouse.query('{ products(first: 5) { reviews { body } } }');
    expect(notAsked.body.extensions?.cost).toBeUndefined();
  });

  it("refuses an operation over the plan's maxCost before any backend call", async () => {
    const before = subgraph.requestCount;
    const refused = await gatehouse.query('{ products(first: 5) { reviews { body } } }', undefined, capped);
    expect(refused.status).toBe(400);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', cost: 55, max: 50 });
    expect(subgraph.requestCount).toBe(before);

    const admitted = await gatehouse.query('{ expensive }', undefined, { ...capped, 'x-gatehouse-cost': 'true' });
    expect(admitted.status).toBe(200);
    expect(admitted.body).toEqual({ data: { expensive: 1 }, extensions: { cost: { estimated: 25, max: 50 } } });
  });

  it('prices variables per request: the same document is admitted or refused by its page size', async () => {
    const query = 'query($n: Int) { products(first: $n) { upc } }';
    expect((await gatehouse.query(query, { n: 50 }, capped)).status).toBe(200);
    const refused = await gatehouse.query(query, { n: 51 }, capped);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 51, max: 50 });
  });

  it('exposes the cost on every response with GATEHOUSE_EXPOSE_COST', async () => {
    await using exposing = await startGatehouse({ backends: [{ name: 'shop', url: subgraph.url }], env: { GATEHOUSE_EXPOSE_COST: 'true' } });
    const result = await exposing.query('mutation { addReview(upc: "p1", body: "fine") { body } }');
    expect(result.body).toEqual({ data: { addReview: { body: 'fine' } }, extensions: { cost: { estimated: 18 } } });
  });
});
