import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleSubgraphs, type RunningExampleSubgraphs } from '../../subgraphs/index.js';
import { products } from '../../subgraphs/products/data.js';
import { start as startQuestions, type RunningQuestionsService } from '../../subgraphs/questions/index.js';
import { questions, reviewsSummaries } from '../../subgraphs/questions/data.js';
import { prices, start as startPricing, type RunningPricingService } from '../../subgraphs/rest-pricing/index.js';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { REGISTER_BACKEND, startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';

const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterBackendInput!) {
    registerBackend(input: $input) { backend { name kind prefix links { type field } } schema { version backends } }
  }
`;

const priceLink = { type: 'Product', field: 'pricing', operation: 'getPrice', arguments: [{ name: 'sku', fromField: 'upc' }] };
const batchPriceLink = (maxBatchSize: number) => ({
  type: 'Product',
  field: 'pricing',
  batch: { operation: 'listPrices', argument: 'skus', maxBatchSize },
  arguments: [{ name: 'skus', fromField: 'upc' }],
});
const questionLinks = [
  { type: 'Product', field: 'questions', rootField: 'questions', arguments: [{ name: 'productUpc', fromField: 'upc' }] },
  { type: 'Product', field: 'reviewsSummary', rootField: 'reviewsSummary', arguments: [{ name: 'upc', fromField: 'upc' }] },
];

function priceOf(upc: string) {
  const entry = prices.get(upc)!;
  return { amount: entry.amount, currency: entry.currency };
}

describe('REST (OpenAPI) and plain GraphQL backends in the federated graph', () => {
  let subgraphs: RunningExampleSubgraphs;
  let pricing: RunningPricingService;
  let qa: RunningQuestionsService;
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    [subgraphs, pricing, qa] = await Promise.all([startExampleSubgraphs(), startPricing(), startQuestions()]);
    gatehouse = await startGatehouse({ backends: subgraphs.map(({ name, url }) => ({ name, url })) });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([subgraphs?.[Symbol.asyncDispose](), pricing?.close(), qa?.close()]);
  });

  it('registers a REST backend from its OpenAPI URL and a plain GraphQL backend, linked to Product', async () => {
    const rest = await gatehouse.admin(REGISTER, {
      input: { name: 'pricing', kind: 'OPENAPI', url: pricing.url, openapi: pricing.openapiUrl, links: [priceLink] },
    });
    expect(rest.body.errors).toBeUndefined();
    expect(rest.body.data).toMatchObject({
      registerBackend: { backend: { name: 'pricing', kind: 'OPENAPI', prefix: 'pricing', links: [{ type: 'Product', field: 'pricing' }] } },
    });
    const graphql = await gatehouse.admin(REGISTER, {
      input: { name: 'qa', kind: 'GRAPHQL', url: qa.url, prefix: 'qa', links: questionLinks },
    });
    expect(graphql.body.errors).toBeUndefined();
  });

  it('answers one query crossing federation, REST and plain GraphQL', async () => {
    const result = await gatehouse.query(/* GraphQL */ `
      { topProducts(first: 3) { upc name pricing { amount currency } reviewsSummary { headline } questions { body } } }
    `);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      topProducts: products.slice(0, 3).map((product) => ({
        upc: product.upc,
        name: product.name,
        pricing: priceOf(product.upc),
        reviewsSummary: reviewsSummaries.find((summary) => summary.upc === product.upc)
          ? { headline: reviewsSummaries.find((summary) => summary.upc === product.upc)!.headline }
          : null,
        questions: questions.filter((question) => question.productUpc === product.upc).map(({ body }) => ({ body })),
      })),
    });
  });

  it('fetches the link keys even when the client does not select them', async () => {
    const result = await gatehouse.query('{ topProducts(first: 2) { pricing { amount } } }');
    expect(result.body).toEqual({ data: { topProducts: products.slice(0, 2).map((p) => ({ pricing: { amount: priceOf(p.upc).amount } })) } });
  });

  it('serves the REST operations as prefixed root fields', async () => {
    const result = await gatehouse.query<{ pricing_getPrice: { sku: string; amount: number } }>('{ pricing_getPrice(sku: "2") { sku amount } }');
    expect(result.body).toEqual({ data: { pricing_getPrice: { sku: '2', amount: priceOf('2').amount } } });
  });

  it('refuses a link to a type that does not exist, and keeps serving', async () => {
    const refused = await gatehouse.admin(REGISTER, {
      input: {
        name: 'pricing2',
        kind: 'OPENAPI',
        url: pricing.url,
        openapi: pricing.openapiUrl,
        links: [{ ...priceLink, type: 'Gadget' }],
      },
    });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('COMPOSITION_FAILED');
    expect(refused.body.errors?.[0]?.extensions?.errors).toEqual([
      expect.objectContaining({ code: 'LINK_INVALID', backend: 'pricing2', message: expect.stringContaining('"Gadget"') }),
    ]);
    const unknownOperation = await gatehouse.admin(REGISTER, {
      input: { name: 'pricing2', kind: 'OPENAPI', url: pricing.url, openapi: pricing.openapiUrl, links: [{ ...priceLink, field: 'cost', operation: 'nope' }] },
    });
    expect(unknownOperation.body.errors?.[0]?.extensions?.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('"nope"') })]);
    expect((await gatehouse.query('{ topProducts(first: 1) { pricing { amount } } }')).body.errors).toBeUndefined();
  });

  it('refuses an invalid OpenAPI document and an unreachable document URL with BAD_USER_INPUT', async () => {
    const invalid = await gatehouse.admin(REGISTER, {
      input: { name: 'broken', kind: 'OPENAPI', url: pricing.url, openapi: '{"swagger": "2.0", "paths": {}}' },
    });
    expect(invalid.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.openapi' });
    const unreachable = await gatehouse.admin(REGISTER, {
      input: { name: 'broken', kind: 'OPENAPI', url: pricing.url, openapi: 'http://127.0.0.1:1/openapi.json' },
    });
    expect(unreachable.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.openapi' });
    expect(JSON.stringify(unreachable.body)).not.toContain('ECONNREFUSED');
  });

  it('maps a REST 4xx to BACKEND_BAD_REQUEST with partial data', async () => {
    const result = await gatehouse.query('{ a: pricing_getPrice(sku: "2") { amount } b: pricing_getPrice(sku: "no-such-sku") { amount } }');
    expect(result.body.data).toEqual({ a: { amount: priceOf('2').amount }, b: null });
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors?.[0]).toMatchObject({ path: ['b'], extensions: { code: 'BACKEND_BAD_REQUEST', backend: 'pricing', status: 404 } });
    expect(JSON.stringify(result.body)).not.toContain(pricing.url);
  });

  it('removing the plain GraphQL backend removes its fields and links at once', async () => {
    const removed = await gatehouse.admin('mutation { removeBackend(name: "qa") { removed } }');
    expect(removed.body.errors).toBeUndefined();
    const result = await gatehouse.query('{ topProducts(first: 1) { reviewsSummary { headline } } }');
    expect(result.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await gatehouse.query('{ qa_questions(productUpc: "1") { body } }')).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await gatehouse.query('{ topProducts(first: 1) { pricing { amount } } }')).body.errors).toBeUndefined();
  });
});

describe('REST calls from links are de-duplicated and batched per request', () => {
  // 100 products over 20 distinct upcs, as a catalogue with variants would list them.
  const skus = [...prices.keys()].slice(0, 20);
  const listing = Array.from({ length: 100 }, (_, index) => ({ id: `item-${index}`, upc: skus[index % 20]! }));
  let catalog: RunningSubgraph;
  let pricing: RunningPricingService;
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    [catalog, pricing] = await Promise.all([
      serveSubgraph({
        name: 'listing',
        typeDefs: /* GraphQL */ `
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
          type Query { listing: [Item!]! }
          type Item @key(fields: "id") { id: ID! upc: String! }
        `,
        resolvers: { Query: { listing: () => listing } },
      }),
      startPricing(),
    ]);
    gatehouse = await startGatehouse({ backends: [{ name: 'listing', url: catalog.url }] });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([catalog?.close(), pricing?.close()]);
  });

  async function registerPricing(link: Record<string, unknown>): Promise<void> {
    await gatehouse.admin('mutation { removeBackend(name: "pricing") { removed } }');
    const result = await gatehouse.admin(REGISTER_BACKEND, {
      input: { name: 'pricing', kind: 'OPENAPI', url: pricing.url, openapi: pricing.openapiUrl, links: [{ ...link, type: 'Item' }] },
    });
    expect(result.body.errors).toBeUndefined();
  }

  async function countCalls(): Promise<{ single: number; batch: number }> {
    const before = pricing.requestCounts;
    const result = await gatehouse.query<{ listing: Array<{ pricing: { amount: number } }> }>('{ listing { id pricing { amount } } }');
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?.listing.map((item) => item.pricing.amount)).toEqual(listing.map((item) => priceOf(item.upc).amount));
    const after = pricing.requestCounts;
    return { single: after.getPrice - before.getPrice, batch: after.listPrices - before.listPrices };
  }

  it('makes one call per distinct key without a batch operation', async () => {
    await registerPricing(priceLink);
    expect(await countCalls()).toEqual({ single: 20, batch: 0 });
  });

  it('makes one call with a batch operation, or ceil(keys / maxBatchSize)', async () => {
    await registerPricing(batchPriceLink(100));
    expect(await countCalls()).toEqual({ single: 0, batch: 1 });
    await registerPricing(batchPriceLink(8));
    expect(await countCalls()).toEqual({ single: 0, batch: Math.ceil(20 / 8) });
  });
});
