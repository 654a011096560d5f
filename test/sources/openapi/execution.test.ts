import { stitchSchemas } from '@graphql-tools/stitch';
import { graphql, type GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchOpenApiDocument, parseOpenApiDocument, type OpenApiDocument } from '../../../src/sources/openapi/document.js';
import type { OpenApiMapping } from '../../../src/sources/openapi/mapping.js';
import { priceIn } from '../../../subgraphs/rest-pricing/data.js';
import { prices, start, type RunningPricingService } from '../../../subgraphs/rest-pricing/index.js';
import { quote } from '../../../subgraphs/rest-pricing/quotes.js';
import { startHangingServer } from '../../helpers/faulty-servers.js';
import { asJson, buildSource, dispatcher, execute } from './fixtures.js';

let pricing: RunningPricingService;
let document: OpenApiDocument;
let source: OpenApiMapping;

beforeAll(async () => {
  pricing = await start();
  document = parseOpenApiDocument(await fetchOpenApiDocument(pricing.openapiUrl, { dispatcher, timeoutMs: 5_000 }));
  source = buildSource(document, pricing.url);
});

afterAll(async () => {
  await pricing.close();
  await dispatcher.close();
});

const entryFields = 'sku currency amount compareAtAmount discounts { code percent } tiers';

describe('queries against the pricing service', () => {
  it('returns a price entry exactly as the service has it', async () => {
    for (const sku of ['3', '6', '17']) {
      const result = await execute(source, `query ($sku: String!) { pricing_getPrice(sku: $sku) { ${entryFields} } }`, { sku });
      expect(result.errors).toBeUndefined();
      expect(asJson(result.data)).toEqual({ pricing_getPrice: asJson(prices.get(sku)) });
    }
  });

  it('sends the comma-joined batch and keeps positional nulls', async () => {
    const before = pricing.requestCounts.listPrices;
    const result = await execute(source, `{ pricing_listPrices(skus: ["1", "999", "3", "1"]) { sku amount tiers } }`);
    expect(result.errors).toBeUndefined();
    const expected = (sku: string) => {
      const entry = prices.get(sku)!;
      return { sku: entry.sku, amount: entry.amount, tiers: entry.tiers };
    };
    expect(asJson(result.data)).toEqual({ pricing_listPrices: asJson([expected('1'), null, expected('3'), expected('1')]) });
    expect(pricing.requestCounts.listPrices - before).toBe(1);
  });

  it('sends the x-region header parameter', async () => {
    const result = await execute(source, `{ pricing_getPrice(sku: "3", x_region: EU) { ${entryFields} } }`);
    expect(result.errors).toBeUndefined();
    const entry = prices.get('3')!;
    expect(entry.currency).toBe('USD');
    expect(asJson(result.data)).toEqual({ pricing_getPrice: asJson(priceIn(entry, 'EUR')) });
  });

  it('posts the input argument as the JSON body, enum values as the backend spells them', async () => {
    const result = await execute(
      source,
      `mutation ($input: PricingQuoteRequestInput!) {
        pricing_createQuote(input: $input) { sku quantity currency unitAmount subtotalAmount discount { code percent } discountAmount totalAmount }
      }`,
      { input: { sku: '3', quantity: 12, currency: 'EUR' } },
    );
    expect(result.errors).toBeUndefined();
    expect(asJson(result.data)).toEqual({ pricing_createQuote: asJson(quote(prices.get('3')!, 12, 'EUR')) });
  });

  it('passes free-form JSON through', async () => {
    const result = await execute(source, '{ pricing_getOpenApiDocument }');
    expect(result.errors).toBeUndefined();
    expect(asJson(result.data)).toEqual({ pricing_getOpenApiDocument: asJson(document) });
  });
});

describe('operations', () => {
  it('call the backend with GraphQL-style arguments', async () => {
    const listPrices = source.operations!.get('listPrices')!;
    expect(listPrices).toMatchObject({
      fieldName: 'pricing_listPrices',
      rootType: 'Query',
      returnTypeName: 'PricingPriceEntry',
      returnsList: true,
      argumentNames: ['skus', 'x_region'],
    });
    expect(asJson(await listPrices.call({ skus: ['2', '4'] }, undefined))).toEqual(asJson([prices.get('2'), prices.get('4')]));
    expect(source.operations!.get('createQuote')).toMatchObject({ fieldName: 'pricing_createQuote', rootType: 'Mutation', returnsList: false });
  });

  it('reject with the same BACKEND_* errors as the fields', async () => {
    await expect(source.operations!.get('getPrice')!.call({ sku: '999' }, undefined)).rejects.toMatchObject({
      extensions: { code: 'BACKEND_BAD_REQUEST', backend: 'pricing', status: 404 },
    });
  });
});

function onlyError(result: { data?: unknown; errors?: readonly GraphQLError[] }, field: string): GraphQLError {
  expect(result.errors).toHaveLength(1);
  expect((result.data as Record<string, unknown>)[field]).toBeNull();
  return result.errors![0]!;
}

describe('backend failures', () => {
  it('maps 404 to BACKEND_BAD_REQUEST without the URL or the body', async () => {
    const error = onlyError(await execute(source, '{ pricing_getPrice(sku: "999") { sku } }'), 'pricing_getPrice');
    expect(error.extensions).toEqual({ code: 'BACKEND_BAD_REQUEST', backend: 'pricing', status: 404 });
    expect(error.message).toBe('Backend "pricing" rejected the request (HTTP 404).');
    expect(error.message).not.toContain(pricing.url);
    expect(error.message).not.toContain('999');
  });

  it('puts the backend message in 4xx errors with exposeErrors, still without the URL', async () => {
    const exposing = buildSource(document, pricing.url, { exposeErrors: true });
    const error = onlyError(await execute(exposing, '{ pricing_getPrice(sku: "999") { sku } }'), 'pricing_getPrice');
    expect(error.extensions).toEqual({ code: 'BACKEND_BAD_REQUEST', backend: 'pricing', status: 404 });
    expect(error.message).toContain('No price entry for SKU \\"999\\".');
    expect(error.message).not.toContain(pricing.url);
  });

  it('maps a 400 for an invalid body to BACKEND_BAD_REQUEST', async () => {
    const result = await execute(source, 'mutation { pricing_createQuote(input: { sku: "3", quantity: 0 }) { sku } }');
    expect(onlyError(result, 'pricing_createQuote').extensions).toEqual({ code: 'BACKEND_BAD_REQUEST', backend: 'pricing', status: 400 });
  });

  it('maps an HTML 200 to BACKEND_BAD_RESPONSE', async () => {
    const error = onlyError(await execute(source, '{ pricing_getBrokenHtml }'), 'pricing_getBrokenHtml');
    expect(error.extensions).toEqual({ code: 'BACKEND_BAD_RESPONSE', backend: 'pricing' });
    expect(error.message).not.toContain('sign in');
  });

  it('maps a 500 to BACKEND_UNAVAILABLE', async () => {
    const error = onlyError(await execute(source, '{ pricing_getBrokenServerError }'), 'pricing_getBrokenServerError');
    expect(error.extensions).toEqual({ code: 'BACKEND_UNAVAILABLE', backend: 'pricing' });
    expect(error.message).not.toContain('database');
  });

  it('maps a closed server to BACKEND_UNAVAILABLE', async () => {
    const stopped = await start();
    const url = stopped.url;
    await stopped.close();
    const error = onlyError(await execute(buildSource(document, url), '{ pricing_getPrice(sku: "3") { sku } }'), 'pricing_getPrice');
    expect(error.extensions).toEqual({ code: 'BACKEND_UNAVAILABLE', backend: 'pricing' });
    expect(error.message).not.toContain(url);
  });

  it('maps a server that never answers to BACKEND_TIMEOUT after timeoutMs', async () => {
    await using hanging = await startHangingServer();
    const slow = buildSource(document, new URL(hanging.url).origin, { timeoutMs: 200 });
    const startedAt = performance.now();
    const error = onlyError(await execute(slow, '{ pricing_getPrice(sku: "3") { sku } }'), 'pricing_getPrice');
    expect(error.extensions).toEqual({ code: 'BACKEND_TIMEOUT', backend: 'pricing', timeoutMs: 200 });
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    expect(hanging.requestCount).toBe(1);
  });

  it('keeps sibling fields when one call fails', async () => {
    const result = await execute(source, '{ ok: pricing_getPrice(sku: "3") { sku } missing: pricing_getPrice(sku: "999") { sku } }');
    expect(asJson(result.data)).toEqual({ ok: { sku: '3' }, missing: null });
    expect(result.errors?.map((error) => error.path)).toEqual([['missing']]);
  });
});

describe('stitching', () => {
  it('stitches two sources with different prefixes and keeps BACKEND_* codes through delegation', async () => {
    const eu = buildSource(document, pricing.url, { name: 'pricing-eu', prefix: 'pricingEu', headers: { 'x-region': 'EU' } });
    const schema = stitchSchemas({ subschemas: [{ schema: source.schema }, { schema: eu.schema }] });
    const result = await graphql({
      schema,
      source: `{
        list: pricing_getPrice(sku: "3") { currency amount }
        eu: pricingEu_getPrice(sku: "3") { currency amount tiers }
        missing: pricingEu_getPrice(sku: "999") { sku }
      }`,
    });
    const entry = prices.get('3')!;
    const inEur = priceIn(entry, 'EUR');
    expect(asJson(result.data)).toEqual({
      list: { currency: entry.currency, amount: entry.amount },
      eu: asJson({ currency: 'EUR', amount: inEur.amount, tiers: inEur.tiers }),
      missing: null,
    });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.path).toEqual(['missing']);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BACKEND_BAD_REQUEST', backend: 'pricing-eu', status: 404 });
  });
});
