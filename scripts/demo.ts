/**
 * `npm run demo`: the four example subgraphs on 4001–4004, a REST pricing service (4005) and a
 * plain GraphQL Q&A service (4006), and Gatehouse on 4000 with all of them registered through the
 * admin API and linked to the federated `Product`, so GraphiQL shows the whole graph at once.
 */
import { ConfigError, loadConfig } from '../src/config/load.js';
import { createGatehouse } from '../src/gatehouse.js';
import { createLogger } from '../src/log.js';
import { startExampleSubgraphs } from '../subgraphs/index.js';
import { start as startQuestions } from '../subgraphs/questions/index.js';
import { start as startPricing } from '../subgraphs/rest-pricing/index.js';

const DEMO_QUERY = /* GraphQL */ `# Welcome to Gatehouse. This query crosses three kinds of backend:
# - federation subgraphs: products → inventory (shippingEstimate @requires price and weight) → reviews → accounts
# - a REST service described by OpenAPI: Product.pricing (GET /prices?skus=…, one batched call)
# - a plain GraphQL service: Product.reviewsSummary and Product.questions
query TopProducts {
  topProducts(first: 3) {
    upc
    name
    shippingEstimate
    inStock
    pricing {
      amount
      currency
      discounts {
        code
        percent
      }
    }
    reviewsSummary {
      headline
      sentiment
    }
    questions {
      body
      answers {
        body
      }
    }
    reviews {
      rating
      author {
        username
        name
      }
    }
  }
}
`;

const ADMIN_TOKEN = process.env.GATEHOUSE_ADMIN_TOKEN ?? 'gatehouse-demo-admin-token';

async function main(): Promise<void> {
  const config = loadConfig({
    GATEHOUSE_ALLOW_PRIVATE_BACKENDS: 'true',
    GATEHOUSE_GRAPHIQL_DEFAULT_QUERY: DEMO_QUERY,
    GATEHOUSE_LOG_LEVEL: 'warn',
    // GraphiQL works without a key: requests without credentials run on this small plan (created below).
    GATEHOUSE_ANONYMOUS_PLAN: 'demo-anonymous',
    ...process.env,
    GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN,
  });
  const basePort = Number(process.env.SUBGRAPHS_BASE_PORT ?? 4001);
  const subgraphs = await startExampleSubgraphs({ basePort });
  const pricing = await startPricing({ port: basePort + 4 });
  const questions = await startQuestions({ port: basePort + 5 });
  const gatehouse = await createGatehouse(config, createLogger(config.logLevel));
  const url = await gatehouse.listen();

  await upsertPlan(url, ANONYMOUS_PLAN);
  await upsertPlan(url, CONSUMER_PLAN);
  for (const subgraph of subgraphs) await registerOrUpdate(url, { name: subgraph.name, kind: 'FEDERATION_SUBGRAPH', url: subgraph.url });
  await registerOrUpdate(url, {
    name: 'pricing',
    kind: 'OPENAPI',
    url: pricing.url,
    openapi: pricing.openapiUrl,
    links: [
      {
        type: 'Product',
        field: 'pricing',
        batch: { operation: 'listPrices', argument: 'skus', maxBatchSize: 50 },
        arguments: [{ name: 'skus', fromField: 'upc' }],
      },
    ],
  });
  await registerOrUpdate(url, {
    name: 'questions',
    kind: 'GRAPHQL',
    url: questions.url,
    prefix: 'qa',
    links: [
      { type: 'Product', field: 'reviewsSummary', rootField: 'reviewsSummary', arguments: [{ name: 'upc', fromField: 'upc' }] },
      { type: 'Product', field: 'questions', rootField: 'questions', arguments: [{ name: 'productUpc', fromField: 'upc' }] },
    ],
  });
  const demoKey = await issueDemoKey(url);

  console.log(`
Gatehouse demo is running.

  GraphiQL (federated graph)   ${url}/graphql
  Admin GraphiQL               ${url}/admin/graphql
      header: { "Authorization": "Bearer ${ADMIN_TOKEN}" }
  Demo consumer key            ${demoKey}
      header: { "x-api-key": "${demoKey}" }   (without it you are anonymous: 20000 cost points a minute)
  Subgraphs                    ${subgraphs.map((s) => `${s.name} ${s.url}`).join('\n                               ')}
  REST (OpenAPI)               pricing ${pricing.openapiUrl}
  Plain GraphQL                questions ${questions.url}

Press Ctrl+C to stop.`);

  const stop = async () => {
    await gatehouse.close();
    await Promise.all([subgraphs[Symbol.asyncDispose](), pricing.close(), questions.close()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** Without a key: enough to explore in GraphiQL, small enough to show the limits. */
const ANONYMOUS_PLAN = {
  name: 'demo-anonymous',
  rateLimitPoints: 20_000,
  rateLimitWindowSeconds: 60,
  quotaPeriod: 'DAY',
  quotaRequests: 10_000,
  maxCost: 5_000,
  maxDepth: 12,
  introspectionAllowed: true,
};

/** The demo consumer's plan. */
const CONSUMER_PLAN = { name: 'demo', rateLimitPoints: 5_000, rateLimitWindowSeconds: 1, maxCost: 20_000, introspectionAllowed: true };

/** Creates a plan, or brings one an earlier demo run created up to date. */
async function upsertPlan(url: string, input: Record<string, unknown>): Promise<void> {
  const created = await admin(url, 'mutation P($input: CreatePlanInput!) { createPlan(input: $input) { name } }', { input });
  if (!created.errors) return;
  const updated = await admin(url, 'mutation P($input: UpdatePlanInput!) { updatePlan(input: $input) { name } }', { input });
  if (updated.errors) throw new Error(`creating plan ${String(input.name)}: ${created.errors[0]?.message}`);
}

/** A fresh key for the `demo` consumer (keys are stored hashed, so an old one can't be shown again). */
async function issueDemoKey(url: string): Promise<string> {
  await admin(url, 'mutation { createConsumer(input: { name: "demo", plan: "demo" }) { name } }', {});
  const issued = await admin(url, 'mutation { issueApiKey(input: { consumer: "demo", label: "npm run demo" }) { key } }', {});
  const key = (issued.data as { issueApiKey?: { key: string } } | undefined)?.issueApiKey?.key;
  if (!key) throw new Error(`issuing the demo key: ${issued.errors?.[0]?.message}`);
  return key;
}

interface DemoBackend {
  name: string;
  kind: 'FEDERATION_SUBGRAPH' | 'GRAPHQL' | 'OPENAPI';
  url: string;
  openapi?: string;
  prefix?: string;
  links?: unknown[];
}

/** Registers a backend, or refreshes its URL, description and links if an earlier demo run registered it. */
async function registerOrUpdate(url: string, backend: DemoBackend): Promise<void> {
  const register = await admin(url, 'mutation R($input: RegisterBackendInput!) { registerBackend(input: $input) { schema { version } } }', {
    input: backend,
  });
  if (!register.errors) return;
  if (!register.errors[0]?.message.includes('already registered')) throw new Error(`registering ${backend.name}: ${register.errors[0]?.message}`);
  const refresh = backend.kind === 'OPENAPI' ? { openapi: backend.openapi } : { refetchSdl: true };
  const update = await admin(url, 'mutation U($input: UpdateBackendInput!) { updateBackend(input: $input) { schema { version } } }', {
    input: { name: backend.name, url: backend.url, ...refresh, ...(backend.links && { links: backend.links }) },
  });
  if (update.errors) throw new Error(`updating ${backend.name}: ${update.errors[0]?.message}`);
}

async function admin(
  url: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> }> {
  const response = await fetch(`${url}/admin/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
