import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isEnumType, isInputObjectType, isObjectType, printSchema, printType, type GraphQLNamedType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOpenApiDocument, type OpenApiDocument } from '../../../src/sources/openapi/document.js';
import { SourceDefinitionError } from '../../../src/sources/types.js';
import { start, type RunningPricingService } from '../../../subgraphs/rest-pricing/index.js';
import { closeServer, listen } from '../../../subgraphs/lib/serve.js';
import { asJson, buildSource, dispatcher, execute } from './fixtures.js';

let pricing: RunningPricingService;
let document: OpenApiDocument;

beforeAll(async () => {
  pricing = await start();
  document = parseOpenApiDocument(await (await fetch(pricing.openapiUrl)).text());
});

afterAll(async () => {
  await pricing.close();
  await dispatcher.close();
});

/** The type's SDL without descriptions, one field or value a line, arguments inline. */
function typeSdl(type: GraphQLNamedType | null | undefined): string {
  if (!type) throw new Error('type missing');
  if (isEnumType(type)) return [`enum ${type.name} {`, ...type.getValues().map((value) => `  ${value.name}`), '}'].join('\n');
  if (!isObjectType(type) && !isInputObjectType(type)) return printType(type);
  const lines = Object.values(type.getFields()).map((field) => {
    const fieldArgs: ReadonlyArray<{ name: string; type: unknown }> = 'args' in field ? field.args : [];
    const args = fieldArgs.length > 0 ? `(${fieldArgs.map((arg) => `${arg.name}: ${String(arg.type)}`).join(', ')})` : '';
    return `  ${field.name}${args}: ${String(field.type)}`;
  });
  return [`${isObjectType(type) ? 'type' : 'input'} ${type.name} {`, ...lines, '}'].join('\n');
}

describe('the pricing service as a GraphQL schema', () => {
  it('has one root field per operation, prefixed, with typed arguments', () => {
    const schema = buildSource(document, pricing.url).schema;
    expect(typeSdl(schema.getQueryType())).toBe(
      [
        'type Query {',
        '  pricing_getPrice(sku: String!, x_region: PricingRegion): PricingPriceEntry',
        '  pricing_listPrices(skus: [String!]!, x_region: PricingRegion): [PricingPriceEntry]',
        '  pricing_getOpenApiDocument: PricingJSON',
        '  pricing_getBrokenHtml: PricingJSON',
        '  pricing_getBrokenServerError: PricingJSON',
        '}',
      ].join('\n'),
    );
    expect(typeSdl(schema.getMutationType())).toBe(
      [
        'type Mutation {',
        '  pricing_createQuote(input: PricingQuoteRequestInput!, x_region: PricingRegion): PricingQuote',
        // The same input type whether the body is JSON or a form.
        '  pricing_createQuoteFromForm(input: PricingQuoteRequestInput!, x_region: PricingRegion): PricingQuote',
        '  pricing_uploadPriceList(input: PricingUploadPriceListBodyInput!): PricingPriceListCheck',
        '}',
      ].join('\n'),
    );
    expect(typeSdl(schema.getType('PricingUploadPriceListBodyInput'))).toBe(
      'input PricingUploadPriceListBodyInput {\n  file: PricingFilePartInput!\n  currency: PricingCurrency!\n  note: String\n}',
    );
    expect(typeSdl(schema.getType('PricingFilePartInput'))).toBe(
      'input PricingFilePartInput {\n  base64: PricingBase64!\n  filename: String\n  contentType: String\n}',
    );
  });

  it('maps objects, enums, nested lists, nullability and the JSON body', () => {
    const schema = buildSource(document, pricing.url).schema;
    expect(typeSdl(schema.getType('PricingPriceEntry'))).toBe(
      [
        'type PricingPriceEntry {',
        '  sku: String!',
        '  currency: PricingCurrency!',
        '  amount: Int!',
        '  compareAtAmount: Int',
        '  discounts: [PricingDiscount!]!',
        '  tiers: [[Int!]!]!',
        '}',
      ].join('\n'),
    );
    expect(typeSdl(schema.getType('PricingCurrency'))).toBe('enum PricingCurrency {\n  EUR\n  USD\n}');
    expect(typeSdl(schema.getType('PricingQuoteRequestInput'))).toBe(
      'input PricingQuoteRequestInput {\n  sku: String!\n  quantity: Int!\n  currency: PricingCurrency\n}',
    );
    // `allOf: [{ $ref: Discount }], nullable: true` is the Discount type, nullable.
    expect(typeSdl(schema.getType('PricingQuote'))).toContain('  discount: PricingDiscount\n');
    expect(printSchema(schema)).toContain('"""List price of one unit, in cents."""');
  });

  it('gives two sources with different prefixes disjoint type and field names', () => {
    const first = buildSource(document, pricing.url).schema;
    const second = buildSource(document, pricing.url, { name: 'pricing-eu', prefix: 'pricingEu' }).schema;
    const ownTypes = (schema: typeof first) =>
      Object.keys(schema.getTypeMap()).filter((name) => !name.startsWith('__') && !['Query', 'Mutation', 'String', 'Int', 'Float', 'Boolean', 'ID'].includes(name));
    const firstTypes = ownTypes(first);
    const secondTypes = ownTypes(second);
    expect(secondTypes).toContain('PricingEuPriceEntry');
    expect(firstTypes.filter((name) => secondTypes.includes(name))).toEqual([]);
    const rootFields = (schema: typeof first) => [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    expect(rootFields(second)).toContain('pricingEu_getPrice');
    expect(rootFields(first).filter((name) => rootFields(second).includes(name))).toEqual([]);
  });
});

/** A document exercising what the pricing service does not: odd names, merges, unions, cycles. */
const synthetic = parseOpenApiDocument(`
openapi: 3.1.0
info: { title: synthetic, version: '1' }
paths:
  /items/{item-id}:
    parameters:
      - { name: item-id, in: path, required: true, schema: { type: string } }
    get:
      parameters:
        - { name: tags, in: query, explode: true, schema: { type: array, items: { type: string } } }
        - { name: Authorization, in: header, schema: { type: string } }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Item' }
  /items:
    post:
      operationId: create-item
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                display-name: { type: string }
                size: { $ref: '#/components/schemas/Size' }
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Item' }
components:
  schemas:
    Size: { type: string, enum: [x-small, 2xl, 'null', true] }
    Named:
      type: object
      required: [display-name]
      properties:
        display-name: { type: string }
    Item:
      allOf:
        - $ref: '#/components/schemas/Named'
        - type: object
          required: [id]
          properties:
            id: { type: integer, format: int64 }
            size: { $ref: '#/components/schemas/Size' }
            parent: { $ref: '#/components/schemas/Item' }
            children: { type: array, items: { $ref: '#/components/schemas/Item' } }
            label: { type: [string, 'null'] }
            either: { oneOf: [{ type: string }, { type: integer }] }
            maybeNamed: { anyOf: [{ $ref: '#/components/schemas/Named' }, { type: 'null' }] }
            attributes: { type: object, additionalProperties: { type: string } }
`);

describe('mapping rules', () => {
  const schema = buildSource(synthetic, 'http://127.0.0.1:1', { prefix: 'shop' }).schema;

  it('generates operationIds, sanitises names and drops headers OpenAPI says to ignore', () => {
    expect(typeSdl(schema.getQueryType())).toBe('type Query {\n  shop_getItemsByItemId(item_id: String!, tags: [String!]): ShopItem\n}');
    expect(typeSdl(schema.getMutationType())).toBe('type Mutation {\n  shop_create_item(input: ShopCreateItemBodyInput): ShopItem\n}');
    expect(typeSdl(schema.getType('ShopSize'))).toBe('enum ShopSize {\n  x_small\n  _2xl\n  _null\n}');
    expect(typeSdl(schema.getType('ShopCreateItemBodyInput'))).toBe('input ShopCreateItemBodyInput {\n  display_name: String\n  size: ShopSize\n}');
  });

  it('merges allOf, follows cycles by name, and uses JSON for unions and maps', () => {
    expect(typeSdl(schema.getType('ShopItem'))).toBe(
      [
        'type ShopItem {',
        '  display_name: String!',
        '  id: Float!',
        '  size: ShopSize',
        '  parent: ShopItem',
        '  children: [ShopItem!]',
        '  label: String',
        '  either: ShopJSON',
        '  maybeNamed: ShopNamed',
        '  attributes: ShopJSON',
        '}',
      ].join('\n'),
    );
  });

  it('maps renamed fields, enum values and arguments back to the JSON names', async () => {
    const seen: Array<{ method?: string; url?: string; authorization?: string; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ 'display-name': 'Mug', id: 7, size: '2xl', children: [{ 'display-name': 'Lid', id: 8 }] }));
      });
    });
    await listen(server, 0, '127.0.0.1');
    try {
      const { port } = server.address() as AddressInfo;
      const shop = buildSource(synthetic, `http://127.0.0.1:${port}/api/`, { prefix: 'shop', headers: { Authorization: 'Bearer backend' } });
      const query = await execute(shop, '{ shop_getItemsByItemId(item_id: "a/b c", tags: ["x", "y,z"]) { display_name id size children { display_name } } }');
      expect(query.errors).toBeUndefined();
      expect(asJson(query.data)).toEqual({ shop_getItemsByItemId: { display_name: 'Mug', id: 7, size: '_2xl', children: [{ display_name: 'Lid' }] } });
      const mutation = await execute(shop, 'mutation { shop_create_item(input: { display_name: "Cup", size: x_small }) { id } }');
      expect(mutation.errors).toBeUndefined();
      expect(seen).toEqual([
        { method: 'GET', url: '/api/items/a%2Fb%20c?tags=x&tags=y%2Cz', authorization: 'Bearer backend', body: '' },
        { method: 'POST', url: '/api/items', authorization: 'Bearer backend', body: '{"display-name":"Cup","size":"x-small"}' },
      ]);
    } finally {
      await closeServer(server);
    }
  });

  it('refuses a document without operations', () => {
    const empty = parseOpenApiDocument('{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}');
    expect(() => buildSource(empty, 'http://127.0.0.1:1')).toThrow(
      new SourceDefinitionError('The OpenAPI document has no GET, PUT, POST, PATCH or DELETE operation to expose.', 'paths'),
    );
  });

  it('leaves out operations with a required body it cannot map and keeps a Query type when only mutations remain', () => {
    const formsOnly = parseOpenApiDocument(
      JSON.stringify({
        openapi: '3.0.3',
        paths: {
          '/upload': { post: { operationId: 'upload', requestBody: { required: true, content: { 'text/xml': {} } }, responses: {} } },
          '/reset': { post: { operationId: 'reset', responses: { '204': { description: 'done' } } } },
        },
      }),
    );
    const built = buildSource(formsOnly, 'http://127.0.0.1:1', { prefix: 'forms' });
    expect([...built.operations!.keys()]).toEqual(['reset']);
    expect(typeSdl(built.schema.getQueryType())).toBe('type Query {\n  _forms_noQueries: Boolean\n}');
    expect(typeSdl(built.schema.getMutationType())).toBe('type Mutation {\n  forms_reset: FormsJSON\n}');
  });
});
