import type { IncomingHttpHeaders } from 'node:http';
import { prices, priceIn, type Currency, type PriceEntry } from './data.js';
import { checkPriceList } from './price-lists.js';
import { quote, quoteRequestSchema } from './quotes.js';

export const regions = ['EU', 'US'] as const;
export type Region = (typeof regions)[number];
const regionCurrency: Readonly<Record<Region, Currency>> = { EU: 'EUR', US: 'USD' };

/** Most SKUs one `GET /prices?skus=` may name. */
export const maxBatchSkus = 100;

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INTERNAL_SERVER_ERROR';

/** A deliberate client-facing failure; the server turns it into the `Error` JSON body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: readonly { path: string; message: string }[],
  ) {
    super(message);
  }
}

export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; html: string };

export interface RouteInput {
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Reads and parses the JSON body; throws `HttpError` 413, 415 or 400. */
  readJson(): Promise<unknown>;
  /** Reads an `application/x-www-form-urlencoded` body; throws `HttpError` 413 or 415. */
  readForm(): Promise<URLSearchParams>;
  /** Reads a `multipart/form-data` body; throws `HttpError` 413, 415 or 400. */
  readMultipart(): Promise<FormData>;
  /** The OpenAPI document of this running service. */
  openApiDocument: unknown;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Path template as in the OpenAPI document, e.g. `/prices/{sku}`. */
  path: string;
  /** Same as the operation's `operationId`, and the key of `requestCounts`. */
  operationId: PricingOperationId;
  handle(input: RouteInput): Reply | Promise<Reply>;
}

export type PricingOperationId =
  | 'getPrice'
  | 'listPrices'
  | 'createQuote'
  | 'createQuoteFromForm'
  | 'uploadPriceList'
  | 'getOpenApiDocument'
  | 'getBrokenHtml'
  | 'getBrokenServerError';

/** The `x-region` header as a currency, or `undefined` when absent. */
function regionCurrencyOf(headers: IncomingHttpHeaders): Currency | undefined {
  const value = headers['x-region'];
  if (value === undefined) return undefined;
  if (!regions.includes(value as Region)) {
    throw new HttpError(400, 'BAD_REQUEST', `Header x-region must be one of ${regions.join(', ')}, got "${String(value)}".`);
  }
  return regionCurrency[value as Region];
}

const inRegion = (entry: PriceEntry, currency: Currency | undefined) =>
  currency === undefined ? entry : priceIn(entry, currency);

export const routes: readonly Route[] = [
  {
    method: 'GET',
    path: '/prices/{sku}',
    operationId: 'getPrice',
    handle({ params, headers }) {
      const currency = regionCurrencyOf(headers);
      const sku = params.sku ?? '';
      const entry = prices.get(sku);
      if (!entry) throw new HttpError(404, 'NOT_FOUND', `No price entry for SKU "${sku}".`);
      return { status: 200, json: inRegion(entry, currency) };
    },
  },
  {
    method: 'GET',
    path: '/prices',
    operationId: 'listPrices',
    handle({ query, headers }) {
      const currency = regionCurrencyOf(headers);
      const raw = query.get('skus');
      if (raw === null) throw new HttpError(400, 'BAD_REQUEST', 'Query parameter skus is required.');
      const skus = raw.split(',').map((sku) => sku.trim());
      if (skus.some((sku) => sku === '')) {
        throw new HttpError(400, 'BAD_REQUEST', 'Query parameter skus must be a comma-separated list of non-empty SKUs.');
      }
      if (skus.length > maxBatchSkus) {
        throw new HttpError(400, 'BAD_REQUEST', `Query parameter skus names ${skus.length} SKUs; at most ${maxBatchSkus} are allowed.`);
      }
      // Positional nulls instead of dropping unknown SKUs: a batching client matches results to keys by index.
      const entries = skus.map((sku) => {
        const entry = prices.get(sku);
        return entry ? inRegion(entry, currency) : null;
      });
      return { status: 200, json: entries };
    },
  },
  {
    method: 'POST',
    path: '/quotes',
    operationId: 'createQuote',
    async handle({ headers, readJson }) {
      const regional = regionCurrencyOf(headers);
      return quoteReply(await readJson(), regional);
    },
  },
  {
    method: 'POST',
    path: '/quotes/form',
    operationId: 'createQuoteFromForm',
    async handle({ headers, readForm }) {
      const regional = regionCurrencyOf(headers);
      // A form has only strings: a whole number is the JSON number it stands for, anything else
      // stays a string for the schema to refuse.
      const fields = Object.fromEntries([...(await readForm())].map(([key, value]) => [key, key === 'quantity' && /^-?\d+$/.test(value) ? Number(value) : value]));
      return quoteReply(fields, regional);
    },
  },
  {
    method: 'POST',
    path: '/price-lists',
    operationId: 'uploadPriceList',
    async handle({ readMultipart }) {
      const result = await checkPriceList(await readMultipart());
      if ('issues' in result) throw new HttpError(400, 'BAD_REQUEST', 'The price list upload is invalid.', result.issues);
      return { status: 200, json: result.check };
    },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    handle: ({ openApiDocument }) => ({ status: 200, json: openApiDocument }),
  },
  {
    method: 'GET',
    path: '/broken/html',
    operationId: 'getBrokenHtml',
    handle: () => ({
      status: 200,
      html: '<!doctype html><html><head><title>Sign in</title></head><body><h1>Please sign in</h1></body></html>',
    }),
  },
  {
    method: 'GET',
    path: '/broken/500',
    operationId: 'getBrokenServerError',
    handle() {
      throw new HttpError(500, 'INTERNAL_SERVER_ERROR', 'The pricing database is unavailable.');
    },
  },
];

/** `POST /quotes` and `/quotes/form`: the same request, however it was encoded. */
function quoteReply(body: unknown, regional: Currency | undefined): Reply {
  const parsed = quoteRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    throw new HttpError(400, 'BAD_REQUEST', 'The quote request body is invalid.', issues);
  }
  const { sku, quantity, currency } = parsed.data;
  const entry = prices.get(sku);
  if (!entry) throw new HttpError(404, 'NOT_FOUND', `No price entry for SKU "${sku}".`);
  return { status: 200, json: quote(entry, quantity, currency ?? regional ?? entry.currency) };
}
