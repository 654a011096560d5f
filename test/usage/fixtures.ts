import { expect } from 'vitest';
import { serveSubgraph, type RunningSubgraph, type SubgraphDefinition } from '../../subgraphs/lib/serve.js';
import type { GraphQLResponse, RunningGatehouse } from '../helpers/gatehouse.js';

/** Products with a priced field, an argument and a deprecated field; their stock lives in a second subgraph. */
export const CATALOG_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])

  type Query {
    products(first: Int): [Product!]! @listSize(slicingArguments: ["first"])
    product(upc: ID!): Product
    featured: [Product!]! @listSize(assumedSize: 3)
  }

  type Product @key(fields: "upc") {
    upc: ID!
    name: String!
    price: Int! @cost(weight: 5)
    legacyCode: String @deprecated(reason: "Use upc.")
  }
`;

const rows = [
  { upc: 'p1', name: 'Table', price: 100, legacyCode: 'T-1' },
  { upc: 'p2', name: 'Couch', price: 300, legacyCode: 'C-2' },
  { upc: 'p3', name: 'Lamp', price: 30, legacyCode: 'L-3' },
];

export const catalog: SubgraphDefinition = {
  name: 'catalog',
  typeDefs: CATALOG_SDL,
  resolvers: {
    Query: {
      products: (_: unknown, { first }: { first?: number }) => rows.slice(0, first ?? rows.length),
      product: (_: unknown, { upc }: { upc: string }) => rows.find((row) => row.upc === upc) ?? null,
      featured: () => rows,
    },
    Product: { __resolveReference: (ref: { upc: string }) => rows.find((row) => row.upc === ref.upc) ?? null },
  },
};

export const stock: SubgraphDefinition = {
  name: 'stock',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
    type Product @key(fields: "upc") {
      upc: ID!
      inStock: Boolean!
    }
  `,
  resolvers: { Product: { __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc, inStock: ref.upc !== 'p2' }) } },
};

export const QUERIES = {
  Names: 'query Names { products(first: 2) { name } }',
  Prices: 'query Prices { products(first: 2) { name price } }',
  Broken: 'query Broken { products(first: 2) { nope } }',
  Stock: 'query Stock { products(first: 3) { name inStock } }',
  Legacy: 'query Legacy { product(upc: "p1") { legacyCode } }',
  One: 'query One { product(upc: "p1") { name } }',
  OneInStock: 'query OneInStock { product(upc: "p1") { name inStock } }',
} as const;

export type QueryName = keyof typeof QUERIES;

/** What the test expects usage to say, built from the answers themselves. */
export interface LedgerEntry {
  consumer: string | null;
  operation: string | null;
  error: boolean;
  /** The cost the answer reported (`extensions.cost`, on with GATEHOUSE_EXPOSE_COST); 0 when refused. */
  cost: number;
  codes: string[];
}

export class Ledger {
  readonly entries: LedgerEntry[] = [];

  add(consumer: string | null, operation: string | null, response: GraphQLResponse): LedgerEntry {
    const codes = (response.body.errors ?? []).map((error) => String(error.extensions?.['code']));
    const cost = (response.body.extensions?.['cost'] as { estimated?: number } | undefined)?.estimated ?? 0;
    const entry = { consumer, operation, error: codes.length > 0 || response.status >= 500, cost, codes };
    this.entries.push(entry);
    return entry;
  }

  /** Requests, errors and cost sums per `consumer operation`. */
  byConsumerAndOperation(): Record<string, { requests: number; errors: number; costSum: number }> {
    const out: Record<string, { requests: number; errors: number; costSum: number }> = {};
    for (const entry of this.entries) {
      const key = `${entry.consumer ?? '-'} ${entry.operation ?? '-'}`;
      const row = (out[key] ??= { requests: 0, errors: 0, costSum: 0 });
      row.requests++;
      if (entry.error) row.errors++;
      row.costSum += entry.cost;
    }
    return out;
  }

  totals(): { requests: number; errors: number; costSum: number } {
    return {
      requests: this.entries.length,
      errors: this.entries.filter((entry) => entry.error).length,
      costSum: this.entries.reduce((sum, entry) => sum + entry.cost, 0),
    };
  }
}

export interface UsageBucketView {
  start: string | null;
  consumer: string | null;
  plan: string | null;
  operation: string | null;
  operationHash: string | null;
  field: string | null;
  backend: string | null;
  errorCode: string | null;
  requests: number;
  errors: number;
  errorRate: number;
  costSum: number;
  cacheHits: number;
  latency: { p50: number | null; p95: number | null; p99: number | null };
}

export const USAGE_QUERY = /* GraphQL */ `
  query Usage($filter: UsageFilter, $groupBy: [UsageDimension!], $interval: UsageInterval) {
    usage(filter: $filter, groupBy: $groupBy, interval: $interval) {
      from to latencyPrecision truncated
      buckets { start consumer plan operation operationHash field backend errorCode requests errors errorRate costSum cacheHits latency { p50 p95 p99 } }
    }
  }
`;

export async function usageOf(
  gatehouse: RunningGatehouse,
  variables: { filter?: Record<string, unknown>; groupBy?: string[]; interval?: string },
): Promise<{ latencyPrecision: string; buckets: UsageBucketView[] }> {
  const result = await gatehouse.admin<{ usage: { latencyPrecision: string; buckets: UsageBucketView[] } }>(USAGE_QUERY, variables);
  expect(result.body.errors).toBeUndefined();
  return result.body.data!.usage;
}

/** Usage per `consumer operation`, as the ledger counts it. */
export function byConsumerAndOperation(buckets: UsageBucketView[]): Record<string, { requests: number; errors: number; costSum: number }> {
  return Object.fromEntries(
    buckets.map((bucket) => [`${bucket.consumer ?? '-'} ${bucket.operation ?? '-'}`, { requests: bucket.requests, errors: bucket.errors, costSum: bucket.costSum }]),
  );
}

export async function startCatalog(): Promise<{ catalog: RunningSubgraph; stock: RunningSubgraph; close(): Promise<void> }> {
  const [catalogServer, stockServer] = await Promise.all([serveSubgraph(catalog), serveSubgraph(stock)]);
  return {
    catalog: catalogServer,
    stock: stockServer,
    close: async () => {
      await Promise.all([catalogServer.close(), stockServer.close()]);
    },
  };
}

export const consumersOfPlan = {
  alpha: {},
  // 10 cost points a minute: a few Stock queries fit, the rest is refused (the clock does not move).
  beta: { rateLimitPoints: 10, rateLimitWindowSeconds: 60 },
  // Prices costs more than 4.
  gamma: { maxCost: 4 },
} as const;

/** Sends one query as `consumer` (its key's headers) and writes the answer to the ledger. */
export async function send(
  gatehouse: RunningGatehouse,
  ledger: Ledger,
  consumer: string | null,
  headers: Record<string, string>,
  name: QueryName,
): Promise<LedgerEntry> {
  const response = await gatehouse.query(QUERIES[name], undefined, headers);
  return ledger.add(consumer, consumer === null ? null : name, response);
}

export type ScriptConsumer = 'alpha' | 'beta' | 'gamma';

/**
 * The scripted mix, in parts so two instances can share it: alpha's clean queries and one that
 * fails validation; beta's queries until its rate limit refuses them; gamma's queries over its
 * plan's maxCost and, with the stock subgraph stopped, ones that fail on a backend; one request
 * with a malformed key.
 */
export const scriptParts = {
  async alpha(gatehouse: RunningGatehouse, ledger: Ledger, keys: Record<ScriptConsumer, Record<string, string>>) {
    for (let i = 0; i < 3; i++) await send(gatehouse, ledger, 'alpha', keys.alpha, 'Names');
    for (let i = 0; i < 2; i++) await send(gatehouse, ledger, 'alpha', keys.alpha, 'Prices');
    await send(gatehouse, ledger, 'alpha', keys.alpha, 'Broken');
  },
  async beta(gatehouse: RunningGatehouse, ledger: Ledger, keys: Record<ScriptConsumer, Record<string, string>>) {
    for (let i = 0; i < 2; i++) await send(gatehouse, ledger, 'beta', keys.beta, 'Legacy');
    for (let i = 0; i < 5; i++) await send(gatehouse, ledger, 'beta', keys.beta, 'Stock');
  },
  async gamma(gatehouse: RunningGatehouse, ledger: Ledger, keys: Record<ScriptConsumer, Record<string, string>>, stopStock: () => Promise<void>) {
    for (let i = 0; i < 2; i++) await send(gatehouse, ledger, 'gamma', keys.gamma, 'Prices');
    for (let i = 0; i < 2; i++) await send(gatehouse, ledger, 'gamma', keys.gamma, 'One');
    await stopStock();
    for (let i = 0; i < 2; i++) await send(gatehouse, ledger, 'gamma', keys.gamma, 'OneInStock');
    await send(gatehouse, ledger, null, { 'x-api-key': 'gh_live_malformed' }, 'Names');
  },
};

/** The refusals and failures the script is built to produce actually happened. */
export function expectScriptOutcomes(ledger: Ledger): void {
  const codes = (consumer: string, operation: string) =>
    ledger.entries.filter((entry) => entry.consumer === consumer && entry.operation === operation).map((entry) => entry.codes.join(',') || 'ok');
  expect(codes('alpha', 'Names')).toEqual(['ok', 'ok', 'ok']);
  expect(codes('alpha', 'Broken')).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  expect(codes('beta', 'Stock')).toEqual(['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
  expect(codes('gamma', 'Prices')).toEqual(['QUERY_TOO_COMPLEX', 'QUERY_TOO_COMPLEX']);
  expect(codes('gamma', 'OneInStock')).toEqual(['BACKEND_UNAVAILABLE', 'BACKEND_UNAVAILABLE']);
  expect(ledger.entries.at(-1)?.codes).toEqual(['UNAUTHENTICATED']);
}
