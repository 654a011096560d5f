import { currencies, usdPerEur } from './data.js';
import { maxQuoteQuantity } from './quotes.js';
import { maxBatchSkus, regions } from './routes.js';

/** Just enough structure to type the document below; the document itself follows OpenAPI 3.0.3. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
}

const ref = (section: string, name: string) => ({ $ref: `#/components/${section}/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('schemas', 'Error')) });

/**
 * The pricing service's OpenAPI 3.0 description, with `serverUrl` (the base URL it listens on) as
 * its only server. Built once per started service, not per request.
 */
export function createOpenApiDocument(serverUrl: string): OpenApiDocument {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Gatehouse example pricing service',
      version: '1.0.0',
      description:
        'List prices, volume tiers and promotions for every catalogue product (the SKU is the product upc). ' +
        `Amounts are integers in cents. Conversions use a fixed rate of 1 EUR = ${usdPerEur} USD.`,
    },
    servers: [{ url: serverUrl }],
    paths: {
      '/prices/{sku}': {
        get: {
          operationId: 'getPrice',
          summary: 'The price entry of one SKU',
          parameters: [ref('parameters', 'Sku'), ref('parameters', 'Region')],
          responses: {
            '200': { description: 'The price entry', content: json(ref('schemas', 'PriceEntry')) },
            '400': ref('responses', 'BadRequest'),
            '404': ref('responses', 'NotFound'),
          },
        },
      },
      '/prices': {
        get: {
          operationId: 'listPrices',
          summary: 'Price entries of several SKUs at once',
          parameters: [
            {
              name: 'skus',
              in: 'query',
              required: true,
              description: `Comma-separated SKUs, 1 to ${maxBatchSkus}, e.g. \`?skus=1,2,3\`.`,
              style: 'form',
              explode: false,
              schema: { type: 'array', minItems: 1, maxItems: maxBatchSkus, items: { type: 'string', minLength: 1 } },
            },
            ref('parameters', 'Region'),
          ],
          responses: {
            '200': {
              description:
                'One item per requested SKU, in request order (repeats included); an unknown SKU gives `null` ' +
                'in its position, so the list always has as many items as `skus`.',
              content: json({
                type: 'array',
                items: { allOf: [ref('schemas', 'PriceEntry')], nullable: true },
              }),
            },
            '400': ref('responses', 'BadRequest'),
          },
        },
      },
      '/quotes': {
        post: {
          operationId: 'createQuote',
          summary: 'Price a quantity of one SKU, with its volume tier and best promotion',
          parameters: [ref('parameters', 'Region')],
          requestBody: { required: true, content: json(ref('schemas', 'QuoteRequest')) },
          responses: {
            '200': { description: 'The quote (nothing is stored)', content: json(ref('schemas', 'Quote')) },
            '400': ref('responses', 'BadRequest'),
            '404': ref('responses', 'NotFound'),
            '413': errorResponse('The body is larger than the service accepts'),
            '415': errorResponse('The body is not `application/json`'),
          },
        },
      },
      '/quotes/form': {
        post: {
          operationId: 'createQuoteFromForm',
          summary: 'The same quote as `POST /quotes`, asked with an HTML-form body',
          parameters: [ref('parameters', 'Region')],
          requestBody: {
            required: true,
            content: { 'application/x-www-form-urlencoded': { schema: ref('schemas', 'QuoteRequest') } },
          },
          responses: {
            '200': { description: 'The quote (nothing is stored)', content: json(ref('schemas', 'Quote')) },
            '400': ref('responses', 'BadRequest'),
            '404': ref('responses', 'NotFound'),
            '413': errorResponse('The body is larger than the service accepts'),
            '415': errorResponse('The body is not `application/x-www-form-urlencoded`'),
          },
        },
      },
      '/price-lists': {
        post: {
          operationId: 'uploadPriceList',
          summary: 'Check a price-list file (CSV, `sku,amount` per line) before it is imported; nothing is stored',
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: ref('schemas', 'PriceListUpload'),
                encoding: { file: { contentType: 'text/csv, application/octet-stream' } },
              },
            },
          },
          responses: {
            '200': { description: 'What the file holds', content: json(ref('schemas', 'PriceListCheck')) },
            '400': ref('responses', 'BadRequest'),
            '413': errorResponse('The body is larger than the service accepts'),
            '415': errorResponse('The body is not `multipart/form-data`'),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApiDocument',
          summary: 'This document',
          responses: { '200': { description: 'The OpenAPI 3.0 document', content: json({ type: 'object' }) } },
        },
      },
      '/broken/html': {
        get: {
          operationId: 'getBrokenHtml',
          summary: 'Fault injection: answers 200 with an HTML page instead of JSON',
          description: 'What a misrouted proxy or a login wall looks like to a client expecting JSON.',
          responses: {
            '200': {
              description: 'An HTML page',
              content: { 'text/html': { schema: { type: 'string' } } },
            },
          },
        },
      },
      '/broken/500': {
        get: {
          operationId: 'getBrokenServerError',
          summary: 'Fault injection: always fails with 500',
          responses: { '500': errorResponse('The service failed') },
        },
      },
    },
    components: {
      parameters: {
        Sku: {
          name: 'sku',
          in: 'path',
          required: true,
          description: 'The product upc.',
          schema: { type: 'string', minLength: 1 },
        },
        Region: {
          name: 'x-region',
          in: 'header',
          required: false,
          description:
            'Prices amounts in the currency of this region (EU: EUR, US: USD). Without it, prices are in the ' +
            "SKU's list currency. On `createQuote`, a `currency` in the body takes precedence.",
          schema: ref('schemas', 'Region'),
        },
      },
      schemas: {
        Currency: { type: 'string', enum: [...currencies] },
        Region: { type: 'string', enum: [...regions] },
        Discount: {
          type: 'object',
          required: ['code', 'percent'],
          properties: {
            code: { type: 'string', example: 'SUMMER10' },
            percent: { type: 'integer', minimum: 1, maximum: 100, description: 'Whole percent off.' },
          },
        },
        PriceTier: {
          type: 'array',
          description: '`[minQuantity, unitAmount]`: from `minQuantity` units up, each costs `unitAmount` cents.',
          items: { type: 'integer', minimum: 0 },
          minItems: 2,
          maxItems: 2,
          example: [10, 899],
        },
        PriceEntry: {
          type: 'object',
          required: ['sku', 'currency', 'amount', 'compareAtAmount', 'discounts', 'tiers'],
          properties: {
            sku: { type: 'string' },
            currency: ref('schemas', 'Currency'),
            amount: { type: 'integer', minimum: 0, description: 'List price of one unit, in cents.' },
            compareAtAmount: {
              type: 'integer',
              minimum: 0,
              nullable: true,
              description: 'Price before the current reduction, in cents; `null` when not reduced.',
            },
            discounts: { type: 'array', items: ref('schemas', 'Discount') },
            tiers: {
              type: 'array',
              description: 'Ascending by minimum quantity; the first tier is always `[1, amount]`.',
              minItems: 1,
              items: ref('schemas', 'PriceTier'),
            },
          },
        },
        QuoteRequest: {
          type: 'object',
          required: ['sku', 'quantity'],
          additionalProperties: false,
          properties: {
            sku: { type: 'string', minLength: 1 },
            quantity: { type: 'integer', minimum: 1, maximum: maxQuoteQuantity },
            currency: ref('schemas', 'Currency'),
          },
        },
        Quote: {
          type: 'object',
          required: [
            'sku',
            'quantity',
            'currency',
            'unitAmount',
            'subtotalAmount',
            'discount',
            'discountAmount',
            'totalAmount',
          ],
          properties: {
            sku: { type: 'string' },
            quantity: { type: 'integer', minimum: 1 },
            currency: ref('schemas', 'Currency'),
            unitAmount: { type: 'integer', description: "Price of one unit at this quantity's tier, in cents." },
            subtotalAmount: { type: 'integer', description: '`unitAmount × quantity`, in cents.' },
            discount: {
              allOf: [ref('schemas', 'Discount')],
              nullable: true,
              description: 'The promotion applied (the highest percentage on offer), or `null`.',
            },
            discountAmount: { type: 'integer', description: 'In cents, rounded to the cent.' },
            totalAmount: { type: 'integer', description: '`subtotalAmount − discountAmount`, in cents.' },
          },
        },
        PriceListUpload: {
          type: 'object',
          required: ['file', 'currency'],
          properties: {
            file: { type: 'string', format: 'binary', description: 'The price list: `sku,amount` per line, amounts in cents; an optional `sku,amount` header line.' },
            currency: ref('schemas', 'Currency'),
            note: { type: 'string', description: 'Free text, echoed back.' },
          },
        },
        PriceListCheck: {
          type: 'object',
          required: ['filename', 'contentType', 'bytes', 'sha256', 'currency', 'rows', 'note'],
          properties: {
            filename: { type: 'string' },
            contentType: { type: 'string', description: 'The Content-Type of the file part.' },
            bytes: { type: 'integer', minimum: 0, description: 'Size of the file, in bytes.' },
            sha256: { type: 'string', description: 'SHA-256 of the file, hex.' },
            currency: ref('schemas', 'Currency'),
            rows: {
              type: 'array',
              items: {
                type: 'object',
                required: ['sku', 'amount'],
                properties: { sku: { type: 'string' }, amount: { type: 'integer', minimum: 0, description: 'In cents.' } },
              },
            },
            note: { type: 'string', nullable: true },
          },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: {
                  type: 'string',
                  enum: [
                    'BAD_REQUEST',
                    'NOT_FOUND',
                    'METHOD_NOT_ALLOWED',
                    'PAYLOAD_TOO_LARGE',
                    'UNSUPPORTED_MEDIA_TYPE',
                    'INTERNAL_SERVER_ERROR',
                  ],
                },
                message: { type: 'string' },
                issues: {
                  type: 'array',
                  description: 'For an invalid body: one item per problem.',
                  items: {
                    type: 'object',
                    required: ['path', 'message'],
                    properties: { path: { type: 'string' }, message: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
      responses: {
        BadRequest: errorResponse('A parameter, header or body is invalid'),
        NotFound: errorResponse('No price entry for this SKU'),
      },
    },
  };
}
