import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products } from '../../subgraphs/products/data.js';
import { start, type RunningPricingService } from '../../subgraphs/rest-pricing/index.js';
import { deref, operationsOf, refsOf, resolvePointer, validateAgainst, type Json } from './openapi-assertions.js';

let pricing: RunningPricingService;
let openApi: { [key: string]: Json };

beforeAll(async () => {
  pricing = await start();
  openApi = (await (await fetch(pricing.openapiUrl)).json()) as { [key: string]: Json };
});

afterAll(() => pricing.close());

async function getJson(path: string, headers?: Record<string, string>): Promise<{ status: number; body: Json; response: Response }> {
  const response = await fetch(`${pricing.url}${path}`, { headers });
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return { status: response.status, body: (await response.json()) as Json, response };
}

async function postQuote(
  body: unknown,
  { headers = {}, raw }: { headers?: Record<string, string>; raw?: string } = {},
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${pricing.url}/quotes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw ?? JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

/** The schema of an operation's JSON response for `status`, from the served document. */
function responseSchema(operationId: string, status: string): Json | undefined {
  const found = operationsOf(openApi).find(({ operation }) => operation.operationId === operationId);
  const response = deref(openApi, (found?.operation.responses as { [key: string]: Json } | undefined)?.[status]);
  return resolvePointer(response ?? null, '#/content/application~1json/schema');
}

function expectConforms(operationId: string, status: string, body: Json): void {
  expect(validateAgainst(openApi, responseSchema(operationId, status), body)).toEqual([]);
}

const usbCable = {
  sku: '3',
  currency: 'USD',
  amount: 999,
  compareAtAmount: null,
  discounts: [
    { code: 'BUNDLE5', percent: 5 },
    { code: 'CABLES15', percent: 15 },
  ],
  tiers: [
    [1, 999],
    [10, 899],
    [50, 799],
  ],
};
const skillet = {
  sku: '4',
  currency: 'EUR',
  amount: 4500,
  compareAtAmount: null,
  discounts: [{ code: 'KITCHEN10', percent: 10 }],
  tiers: [
    [1, 4500],
    [5, 4275],
  ],
};
const headphones = {
  sku: '17',
  currency: 'USD',
  amount: 24900,
  compareAtAmount: 27900,
  discounts: [
    { code: 'AUDIO15', percent: 15 },
    { code: 'STUDENT10', percent: 10 },
  ],
  tiers: [[1, 24900]],
};
const paperback = { sku: '5', currency: 'EUR', amount: 1000, compareAtAmount: null, discounts: [], tiers: [[1, 1000], [10, 900], [50, 800]] };

describe('GET /prices/{sku}', () => {
  it.each([
    ['3', usbCable],
    ['4', skillet],
    ['5', paperback],
    ['17', headphones],
  ])('answers the price entry of SKU %s', async (sku, expected) => {
    const { status, body } = await getJson(`/prices/${sku}`);
    expect(status).toBe(200);
    expect(body).toEqual(expected);
    expectConforms('getPrice', '200', body);
  });

  it('answers 404 with a JSON error for an unknown SKU', async () => {
    const { status, body } = await getJson('/prices/999');
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: 'NOT_FOUND', message: 'No price entry for SKU "999".' } });
    expectConforms('getPrice', '404', body);
  });

  it('converts every amount to the currency of the x-region header, at 1 EUR = 1.08 USD', async () => {
    const inUs = await getJson('/prices/4', { 'x-region': 'US' });
    expect(inUs.body).toEqual({ ...skillet, currency: 'USD', amount: 4860, tiers: [[1, 4860], [5, 4617]] });
    // 24900 / 1.08 = 23055.56 and 27900 / 1.08 = 25833.33, rounded to the cent.
    const inEu = await getJson('/prices/17', { 'x-region': 'EU' });
    expect(inEu.body).toEqual({ ...headphones, currency: 'EUR', amount: 23056, compareAtAmount: 25833, tiers: [[1, 23056]] });
    // The SKU's own currency: nothing to convert.
    expect((await getJson('/prices/4', { 'x-region': 'EU' })).body).toEqual(skillet);
  });

  it('answers 400 for an x-region it does not know', async () => {
    const { status, body } = await getJson('/prices/4', { 'x-region': 'MARS' });
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: 'BAD_REQUEST', message: 'Header x-region must be one of EU, US, got "MARS".' } });
  });
});

describe('GET /prices?skus=', () => {
  it('answers one item per requested SKU in request order, null for unknown ones', async () => {
    const { status, body } = await getJson('/prices?skus=17,999,3,17');
    expect(status).toBe(200);
    expect(body).toEqual([headphones, null, usbCable, headphones]);
    expectConforms('listPrices', '200', body);
  });

  it('has an entry for every catalogue product, in its listed currency, with tiers starting at [1, amount]', async () => {
    const { body } = await getJson(`/prices?skus=${products.map((product) => product.upc).join(',')}`);
    const entries = body as { sku: string; currency: string; amount: number; tiers: number[][] }[];
    expect(entries.map((entry) => entry.sku)).toEqual(products.map((product) => product.upc));
    for (const [index, entry] of entries.entries()) {
      const product = products[index]!;
      expect(entry.amount).toBe(product.priceCents);
      expect(entry.currency).toBe(['ELECTRONICS', 'TOYS'].includes(product.category) ? 'USD' : 'EUR');
      expect(entry.tiers[0]).toEqual([1, entry.amount]);
      const minQuantities = entry.tiers.map(([minQuantity]) => minQuantity!);
      expect(minQuantities).toEqual([...minQuantities].sort((a, b) => a - b));
    }
    expectConforms('listPrices', '200', body);
  });

  it('applies x-region to every entry', async () => {
    const { body } = await getJson('/prices?skus=4,3', { 'x-region': 'US' });
    expect(body).toEqual([{ ...skillet, currency: 'USD', amount: 4860, tiers: [[1, 4860], [5, 4617]] }, usbCable]);
  });

  it.each([
    ['', 'Query parameter skus is required.'],
    ['?skus=', 'Query parameter skus must be a comma-separated list of non-empty SKUs.'],
    ['?skus=1,,2', 'Query parameter skus must be a comma-separated list of non-empty SKUs.'],
    [`?skus=${Array.from({ length: 101 }, (_, index) => index + 1).join(',')}`, 'Query parameter skus names 101 SKUs; at most 100 are allowed.'],
  ])('answers 400 for /prices%s', async (query, message) => {
    const { status, body } = await getJson(`/prices${query}`);
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: 'BAD_REQUEST', message } });
  });
});

describe('POST /quotes', () => {
  it.each([
    // USD list price; 12 units reach the 10+ tier; the best promotion (15%) applies: 10788 × 0.15 = 1618.2.
    [
      { sku: '3', quantity: 12 },
      {},
      { sku: '3', quantity: 12, currency: 'USD', unitAmount: 899, subtotalAmount: 10788, discount: { code: 'CABLES15', percent: 15 }, discountAmount: 1618, totalAmount: 9170 },
    ],
    // The unit price is converted first (4500 → 4860 USD), then multiplied.
    [
      { sku: '4', quantity: 2, currency: 'USD' },
      {},
      { sku: '4', quantity: 2, currency: 'USD', unitAmount: 4860, subtotalAmount: 9720, discount: { code: 'KITCHEN10', percent: 10 }, discountAmount: 972, totalAmount: 8748 },
    ],
    // No promotion on offer: discount is null, not omitted.
    [
      { sku: '5', quantity: 50 },
      {},
      { sku: '5', quantity: 50, currency: 'EUR', unitAmount: 800, subtotalAmount: 40000, discount: null, discountAmount: 0, totalAmount: 40000 },
    ],
    // Without a body currency, x-region decides: 999 USD / 1.08 = 925 EUR; 15% of 925 = 138.75.
    [
      { sku: '3', quantity: 1 },
      { 'x-region': 'EU' },
      { sku: '3', quantity: 1, currency: 'EUR', unitAmount: 925, subtotalAmount: 925, discount: { code: 'CABLES15', percent: 15 }, discountAmount: 139, totalAmount: 786 },
    ],
    // A body currency wins over x-region.
    [
      { sku: '3', quantity: 1, currency: 'USD' },
      { 'x-region': 'EU' },
      { sku: '3', quantity: 1, currency: 'USD', unitAmount: 999, subtotalAmount: 999, discount: { code: 'CABLES15', percent: 15 }, discountAmount: 150, totalAmount: 849 },
    ],
  ])('quotes %j (headers %j)', async (request, headers, expected) => {
    const { status, body } = await postQuote(request, { headers });
    expect(status).toBe(200);
    expect(body).toEqual(expected);
    expectConforms('createQuote', '200', body);
    expect(validateAgainst(openApi, resolvePointer(openApi, '#/components/schemas/QuoteRequest'), request)).toEqual([]);
  });

  it.each([
    [{ sku: '3' }, [{ path: 'quantity', message: 'Invalid input: expected number, received undefined' }]],
    [{ sku: '3', quantity: 0 }, [{ path: 'quantity', message: 'Too small: expected number to be >=1' }]],
    [{ sku: '3', quantity: 1.5 }, [{ path: 'quantity', message: 'Invalid input: expected int, received number' }]],
    [{ sku: '3', quantity: 10_001 }, [{ path: 'quantity', message: 'Too big: expected number to be <=10000' }]],
    [{ sku: '3', quantity: 'two' }, [{ path: 'quantity', message: 'Invalid input: expected number, received string' }]],
    [{ sku: '', quantity: 1 }, [{ path: 'sku', message: 'Too small: expected string to have >=1 characters' }]],
    [{ sku: '3', quantity: 1, currency: 'GBP' }, [{ path: 'currency', message: 'Invalid option: expected one of "EUR"|"USD"' }]],
    [{ sku: '3', quantity: 1, coupon: 'X' }, [{ path: '', message: 'Unrecognized key: "coupon"' }]],
    [[{ sku: '3', quantity: 1 }], [{ path: '', message: 'Invalid input: expected object, received array' }]],
  ])('answers 400 listing each problem for %j', async (request, issues) => {
    const { status, body } = await postQuote(request);
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: 'BAD_REQUEST', message: 'The quote request body is invalid.', issues } });
    expectConforms('createQuote', '400', body);
    // The document rejects the same bodies the service does.
    expect(validateAgainst(openApi, resolvePointer(openApi, '#/components/schemas/QuoteRequest'), request as Json)).not.toEqual([]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { status, body } = await postQuote(undefined, { raw: '{"sku": "3", ' });
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' } });
  });

  it('answers 415 for a body that is not application/json', async () => {
    const { status, body } = await postQuote(undefined, { raw: 'sku=3&quantity=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(status).toBe(415);
    expect(body).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request body must be application/json.' } });
  });

  it('answers 413 for a body larger than maxBodyBytes', async () => {
    await using small = await start({ maxBodyBytes: 64 });
    const response = await fetch(`${small.url}/quotes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: '3', quantity: 1, padding: 'x'.repeat(100) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than 64 bytes.' } });
  });

  it('answers 413, not a reset connection, for a body of several MB at the default limit', async () => {
    const { status, body } = await postQuote({ sku: '3', quantity: 1, padding: 'x'.repeat(4_000_000) });
    expect(status).toBe(413);
    expect(body).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than 65536 bytes.' } });
    // The connection is still usable afterwards.
    expect((await getJson('/prices/3')).status).toBe(200);
  });

  it('answers 404 for a valid request naming an unknown SKU', async () => {
    const { status, body } = await postQuote({ sku: '999', quantity: 1 });
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: 'NOT_FOUND', message: 'No price entry for SKU "999".' } });
  });
});

describe('POST /quotes/form', () => {
  const postForm = async (body: string, contentType = 'application/x-www-form-urlencoded') => {
    const response = await fetch(`${pricing.url}/quotes/form`, { method: 'POST', headers: { 'content-type': contentType }, body });
    return { status: response.status, body: (await response.json()) as Json };
  };

  it('quotes a form body exactly as the same JSON body', async () => {
    const form = await postForm(new URLSearchParams({ sku: '3', quantity: '12', currency: 'EUR' }).toString());
    expect(form.status).toBe(200);
    expect(form.body).toEqual((await postQuote({ sku: '3', quantity: 12, currency: 'EUR' })).body);
    expectConforms('createQuoteFromForm', '200', form.body);
  });

  it('answers 400 with the same issues for a bad quantity or an unknown field, and 415 for JSON', async () => {
    const bad = await postForm('sku=3&quantity=two&coupon=X');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: {
        code: 'BAD_REQUEST',
        message: 'The quote request body is invalid.',
        issues: [
          { path: 'quantity', message: 'Invalid input: expected number, received string' },
          { path: '', message: 'Unrecognized key: "coupon"' },
        ],
      },
    });
    const json = await postForm('{"sku":"3","quantity":1}', 'application/json');
    expect(json).toEqual({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request body must be application/x-www-form-urlencoded.' } } });
  });
});

describe('POST /price-lists', () => {
  const csv = 'sku,amount\n3,999\r\n17,24900\n';
  const upload = async (form: FormData) => {
    const response = await fetch(`${pricing.url}/price-lists`, { method: 'POST', body: form });
    return { status: response.status, body: (await response.json()) as Json };
  };

  it('reads the file part and the fields of a multipart body', async () => {
    const form = new FormData();
    form.set('file', new Blob([csv], { type: 'text/csv' }), 'prices.csv');
    form.set('currency', 'USD');
    const { status, body } = await upload(form);
    expect(status).toBe(200);
    expect(body).toEqual({
      filename: 'prices.csv',
      contentType: 'text/csv',
      bytes: Buffer.byteLength(csv),
      sha256: createHash('sha256').update(csv).digest('hex'),
      currency: 'USD',
      rows: [
        { sku: '3', amount: 999 },
        { sku: '17', amount: 24900 },
      ],
      note: null,
    });
    expectConforms('uploadPriceList', '200', body);
  });

  it('answers 400 for a missing file, an unknown currency or a bad line', async () => {
    const noFile = new FormData();
    noFile.set('file', 'just text, not a file part');
    noFile.set('currency', 'GBP');
    expect(await upload(noFile)).toEqual({
      status: 400,
      body: {
        error: {
          code: 'BAD_REQUEST',
          message: 'The price list upload is invalid.',
          issues: [
            { path: 'file', message: 'A file part named "file" (with a filename) is required.' },
            { path: 'currency', message: 'Must be one of EUR, USD.' },
          ],
        },
      },
    });
    const badLine = new FormData();
    badLine.set('file', new Blob(['3,9.99\n']), 'prices.csv');
    badLine.set('currency', 'EUR');
    expect((await upload(badLine)).body).toMatchObject({ error: { issues: [{ path: 'file:1', message: 'Expected "sku,amount" with a whole number of cents.' }] } });
  });
});

describe('fault routes', () => {
  it('GET /broken/html answers 200 with an HTML page', async () => {
    const response = await fetch(`${pricing.url}/broken/html`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const text = await response.text();
    expect(text.startsWith('<!doctype html>')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('GET /broken/500 answers 500 with a JSON error', async () => {
    const { status, body } = await getJson('/broken/500');
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'The pricing database is unavailable.' } });
    expectConforms('getBrokenServerError', '500', body);
  });
});

describe('routing', () => {
  it('answers 404 for a path it does not serve and 405 with Allow for a wrong method', async () => {
    const unknown = await getJson('/discounts');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for GET /discounts.' } });

    const response = await fetch(`${pricing.url}/quotes`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toEqual({
      error: { code: 'METHOD_NOT_ALLOWED', message: 'GET is not allowed on /quotes; use POST.' },
    });
  });

  it('decodes percent-encoded SKUs and answers 400 for malformed encoding', async () => {
    expect((await getJson('/prices/%31%37')).body).toEqual(headphones);
    const malformed = await getJson('/prices/%E0%A4%A');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: { code: 'BAD_REQUEST', message: 'A path parameter is not valid percent-encoding.' } });
  });

  it('counts requests per route, including 4xx answers, in frozen snapshots', async () => {
    const before = pricing.requestCounts;
    await getJson('/prices/3');
    await getJson('/prices/999');
    await getJson('/prices?skus=1,2');
    await postQuote({ sku: '3' });
    await getJson('/discounts');
    const after = pricing.requestCounts;
    expect(Object.isFrozen(after)).toBe(true);
    expect(Object.fromEntries(Object.entries(after).map(([route, count]) => [route, count - before[route as keyof typeof before]]))).toEqual({
      getPrice: 2,
      listPrices: 1,
      createQuote: 1,
      createQuoteFromForm: 0,
      uploadPriceList: 0,
      getOpenApiDocument: 0,
      getBrokenHtml: 0,
      getBrokenServerError: 0,
    });
  });
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.0 document whose only server is this service', () => {
    expect(openApi.openapi).toMatch(/^3\.0\.\d+$/);
    expect(openApi.info).toMatchObject({ title: expect.any(String), version: '1.0.0' });
    expect(openApi.servers).toEqual([{ url: pricing.url }]);
  });

  it('resolves every $ref to an existing component', () => {
    const refs = refsOf(openApi);
    expect(refs.length).toBeGreaterThan(10);
    for (const { at, ref } of refs) {
      expect(ref, `${at}`).toMatch(/^#\/components\/(schemas|parameters|responses|requestBodies)\/\w+$/);
      expect(resolvePointer(openApi, ref), `${ref} at ${at}`).toBeDefined();
    }
    // In 3.0 a $ref object may have no siblings (they are ignored); nullable refs go through allOf.
    for (const { at } of refs) expect(Object.keys(resolvePointer(openApi, at) as object), at).toEqual(['$ref']);
  });

  it('gives every operation a unique operationId, one per served route, and responses', () => {
    const operations = operationsOf(openApi);
    const operationIds = operations.map(({ operation }) => operation.operationId);
    expect(new Set(operationIds).size).toBe(operations.length);
    expect([...operationIds].sort()).toEqual(Object.keys(pricing.requestCounts).sort());
    for (const { path, method, operation } of operations) {
      expect(Object.keys(operation.responses as object).length, `${method} ${path}`).toBeGreaterThan(0);
    }
  });

  it('declares each path template variable as a required path parameter, and only valid parameter locations', () => {
    for (const { path, method, operation } of operationsOf(openApi)) {
      const parameters = ((operation.parameters ?? []) as Json[]).map((parameter) => deref(openApi, parameter) as { [key: string]: Json });
      for (const parameter of parameters) expect(['path', 'query', 'header', 'cookie']).toContain(parameter.in);
      const templateNames = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const pathParameters = parameters.filter((parameter) => parameter.in === 'path');
      expect(pathParameters.map((parameter) => parameter.name), `${method} ${path}`).toEqual(templateNames);
      for (const parameter of pathParameters) expect(parameter.required).toBe(true);
    }
  });

  it('describes the enums, the optional x-region header, the JSON request body and the error responses', () => {
    expect(resolvePointer(openApi, '#/components/schemas/Currency')).toEqual({ type: 'string', enum: ['EUR', 'USD'] });
    expect(deref(openApi, { $ref: '#/components/parameters/Region' })).toMatchObject({
      name: 'x-region',
      in: 'header',
      required: false,
      schema: { $ref: '#/components/schemas/Region' },
    });
    const createQuote = operationsOf(openApi).find(({ operation }) => operation.operationId === 'createQuote')!;
    expect(createQuote.method).toBe('post');
    expect(createQuote.operation.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/QuoteRequest' } } },
    });
    expect(Object.keys(createQuote.operation.responses as object).sort()).toEqual(['200', '400', '404', '413', '415']);
    expect(resolvePointer(openApi, '#/components/schemas/PriceEntry/properties/compareAtAmount/nullable')).toBe(true);
    expect(resolvePointer(openApi, '#/components/schemas/PriceEntry/properties/tiers/items')).toEqual({
      $ref: '#/components/schemas/PriceTier',
    });
    expect(resolvePointer(openApi, '#/components/schemas/PriceTier/type')).toBe('array');
    expect(Object.keys(resolvePointer(openApi, '#/paths/~1broken~1html/get/responses/200/content') as object)).toEqual(['text/html']);
  });
});
