import { pricingRegistration } from '../scripts/start-demo.js';
import type { RestBackend } from './serve-subgraphs.js';

/**
 * Plan of row (b)'s consumer: a rate limit and a cost ceiling that are checked and spent on every
 * request but never refuse one (the nested query, the dearest, costs ~22,000 points; at 100 M
 * points a second the limiter would need thousands of those per second to say no).
 */
export const KEYED_PLAN = {
  name: 'bench-keyed',
  rateLimitPoints: 100_000_000,
  rateLimitWindowSeconds: 1,
  maxCost: 100_000,
} as const;

export interface BenchBackends {
  subgraphs: Array<{ name: string; url: string }>;
  pricing: RestBackend;
  /** An OTLP/HTTP endpoint that drops what it gets (the tracing row exports there). */
  otlpSink: string;
}

/**
 * Registers the graph the way an operator would, through the admin API: the four federation
 * subgraphs (SDL fetched from each), then the REST pricing service linked to `Product.pricing`
 * with batching, as `npm run demo` does.
 */
export async function registerBenchGraph(baseUrl: string, adminToken: string, { subgraphs, pricing }: BenchBackends): Promise<void> {
  const register = 'mutation R($input: RegisterBackendInput!) { registerBackend(input: $input) { schema { version } } }';
  for (const { name, url } of subgraphs) {
    await admin(baseUrl, adminToken, `registering ${name}`, register, { input: { name, kind: 'FEDERATION_SUBGRAPH', url } });
  }
  await admin(baseUrl, adminToken, 'registering pricing', register, { input: pricingRegistration(pricing.name, pricing) });
}

/**
 * Row (c)'s response cache policies, set through the admin API: every composite type the bench
 * queries select (the subgraphs have no `@cacheControl` hints), public, for an hour, so every
 * request after the first of each query is a hit.
 */
export const BENCH_CACHE_POLICIES = ['Product', 'Review', 'User', 'PricingPriceEntry', 'PricingDiscount'] as const;

export async function setBenchCachePolicies(baseUrl: string, adminToken: string): Promise<void> {
  for (const coordinate of BENCH_CACHE_POLICIES) {
    await admin(baseUrl, adminToken, `setting the cache policy of ${coordinate}`, 'mutation S($input: SetCachePolicyInput!) { setCachePolicy(input: $input) { coordinate } }', {
      input: { coordinate, maxAge: 3_600, scope: 'PUBLIC' },
    });
  }
}

/** Creates row (b)'s plan and consumer and returns a fresh API key of it. */
export async function issueBenchKey(baseUrl: string, adminToken: string): Promise<string> {
  await admin(baseUrl, adminToken, 'creating the bench plan', 'mutation P($input: CreatePlanInput!) { createPlan(input: $input) { name } }', {
    input: KEYED_PLAN,
  });
  await admin(baseUrl, adminToken, 'creating the bench consumer', 'mutation C($input: CreateConsumerInput!) { createConsumer(input: $input) { name } }', {
    input: { name: 'bench', plan: KEYED_PLAN.name },
  });
  const issued = await admin<{ issueApiKey: { key: string } }>(
    baseUrl,
    adminToken,
    'issuing the bench key',
    'mutation K($input: IssueApiKeyInput!) { issueApiKey(input: $input) { key } }',
    { input: { consumer: 'bench', label: 'npm run bench' } },
  );
  return issued.issueApiKey.key;
}

async function admin<TData = unknown>(
  baseUrl: string,
  adminToken: string,
  what: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<TData> {
  const response = await fetch(`${baseUrl}/admin/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { data?: TData; errors?: Array<{ message: string }> };
  if (body.errors || !body.data) throw new Error(`Gatehouse: ${what} failed (HTTP ${response.status}): ${body.errors?.[0]?.message ?? 'no data'}`);
  return body.data;
}
