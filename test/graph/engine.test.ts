import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usersById } from '../../subgraphs/accounts/data.js';
import { startExampleSubgraphs, type RunningExampleSubgraphs } from '../../subgraphs/index.js';
import { products } from '../../subgraphs/products/data.js';
import { reviewsByProduct } from '../../subgraphs/reviews/data.js';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';

/**
 * The execution engine (query planner + plan executor) on the rules of GraphQL execution that the
 * federation suite does not single out: response shape, introspection next to data, null bubbling.
 */
describe('the execution engine', () => {
  let subgraphs: RunningExampleSubgraphs;
  let broken: RunningSubgraph;
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    subgraphs = await startExampleSubgraphs();
    // Answers null for a non-null field, as a buggy subgraph would.
    broken = await serveSubgraph({
      name: 'labels',
      typeDefs: /* GraphQL */ `
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Product @key(fields: "upc") { upc: String! label: String! note: String }
      `,
      resolvers: { Product: { __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc, label: ref.upc === '2' ? null : `label ${ref.upc}`, note: 'n' }) } },
    });
    gatehouse = await startGatehouse({ backends: [...subgraphs, broken].map(({ name, url }) => ({ name, url })) });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([subgraphs?.[Symbol.asyncDispose](), broken?.close()]);
  });

  it('keeps aliases, the operation\'s field order and one plan per alias set', async () => {
    const result = await gatehouse.query(/* GraphQL */ `{
      second: topProducts(first: 2) { n: name upc }
      first: topProducts(first: 1) { upc reviews { author { who: username } } }
    }`);
    expect(result.body.errors).toBeUndefined();
    expect(JSON.stringify(result.body.data)).toBe(
      JSON.stringify({
        second: products.slice(0, 2).map((p) => ({ n: p.name, upc: p.upc })),
        first: products.slice(0, 1).map((p) => ({
          upc: p.upc,
          reviews: (reviewsByProduct.get(p.upc) ?? []).map((review) => ({ author: { who: usersById.get(review.authorId)!.username } })),
        })),
      }),
    );
  });

  it('answers __typename at every level and named and inline fragments', async () => {
    const result = await gatehouse.query(/* GraphQL */ `
      query { __typename topProducts(first: 1) { __typename ...P ... on Product { price } } }
      fragment P on Product { upc }
    `);
    expect(result.body).toEqual({ data: { __typename: 'Query', topProducts: [{ __typename: 'Product', upc: products[0]!.upc, price: products[0]!.priceCents }] } });
  });

  it('answers introspection next to subgraph data', async () => {
    const result = await gatehouse.query('{ __schema { queryType { name } } __type(name: "Product") { name } topProducts(first: 1) { upc } }');
    expect(result.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } }, __type: { name: 'Product' }, topProducts: [{ upc: products[0]!.upc }] } });
  });

  it('applies @skip and @include with variables', async () => {
    const query = 'query ($withName: Boolean!, $skipUpc: Boolean!) { topProducts(first: 1) { upc @skip(if: $skipUpc) name @include(if: $withName) } }';
    expect((await gatehouse.query(query, { withName: true, skipUpc: true })).body).toEqual({ data: { topProducts: [{ name: products[0]!.name }] } });
    expect((await gatehouse.query(query, { withName: false, skipUpc: false })).body).toEqual({ data: { topProducts: [{ upc: products[0]!.upc }] } });
  });

  it('nulls the nearest nullable parent when a subgraph answers null for a non-null field, with one error at its path', async () => {
    const result = await gatehouse.query('{ topProducts(first: 3) { upc label } }');
    expect(result.body.data).toBeNull();
    expect(result.body.errors).toEqual([
      expect.objectContaining({ message: 'Cannot return null for non-nullable field Product.label.', path: ['topProducts', 1, 'label'] }),
    ]);
    const nullable = await gatehouse.query('{ product(upc: "2") { upc label } other: product(upc: "1") { upc label note } }');
    expect(nullable.body.data).toEqual({ product: null, other: { upc: '1', label: 'label 1', note: 'n' } });
    expect(nullable.body.errors?.map((error) => error.path)).toEqual([['product', 'label']]);
  });

  it('coerces variables as graphql-js does, with BAD_USER_INPUT for a wrong type', async () => {
    const ok = await gatehouse.query('query ($n: Int = 2) { topProducts(first: $n) { upc } }', {});
    expect(ok.body).toEqual({ data: { topProducts: products.slice(0, 2).map((p) => ({ upc: p.upc })) } });
    const bad = await gatehouse.query('query ($n: Int) { topProducts(first: $n) { upc } }', { n: 'three' });
    expect(bad.body.data).toBeUndefined();
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'n' });
  });

  it('refuses subscriptions with a clear error', async () => {
    const result = await gatehouse.query('subscription { __typename }');
    expect(result.body.errors?.[0]?.message).toMatch(/subscription/i);
  });
});
