/**
 * `npm run demo`: the four example subgraphs on 4001–4004 and Gatehouse on 4000 with them
 * registered through the admin API, so GraphiQL shows a federated graph at once.
 */
import { ConfigError, loadConfig } from '../src/config/load.js';
import { createGatehouse } from '../src/gatehouse.js';
import { createLogger } from '../src/log.js';
import { startExampleSubgraphs } from '../subgraphs/index.js';

const DEMO_QUERY = /* GraphQL */ `# Welcome to Gatehouse. This query crosses all four example subgraphs:
# products → inventory (shippingEstimate @requires price and weight) → reviews → accounts.
query TopProducts {
  topProducts(first: 3) {
    upc
    name
    price
    shippingEstimate
    inStock
    reviews {
      rating
      body
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
  const subgraphs = await startExampleSubgraphs({ basePort: Number(process.env.SUBGRAPHS_BASE_PORT ?? 4001) });
  const gatehouse = await createGatehouse(config, createLogger(config.logLevel));
  const url = await gatehouse.listen();

  await createPlanIfMissing(url, ANONYMOUS_PLAN);
  await createPlanIfMissing(url, CONSUMER_PLAN);
  for (const subgraph of subgraphs) await registerOrUpdate(url, subgraph.name, subgraph.url);
  const demoKey = await issueDemoKey(url);

  console.log(`
Gatehouse demo is running.

  GraphiQL (federated graph)   ${url}/graphql
  Admin GraphiQL               ${url}/admin/graphql
      header: { "Authorization": "Bearer ${ADMIN_TOKEN}" }
  Demo consumer key            ${demoKey}
      header: { "x-api-key": "${demoKey}" }   (without it you are anonymous: 300 cost points a minute)
  Subgraphs                    ${subgraphs.map((s) => `${s.name} ${s.url}`).join('\n                               ')}

Press Ctrl+C to stop.`);

  const stop = async () => {
    await gatehouse.close();
    await subgraphs[Symbol.asyncDispose]();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** Without a key: enough to explore in GraphiQL, small enough to show the limits. */
const ANONYMOUS_PLAN = {
  name: 'demo-anonymous',
  rateLimitPoints: 300,
  rateLimitWindowSeconds: 60,
  quotaPeriod: 'DAY',
  quotaRequests: 10_000,
  maxCost: 1_000,
  maxDepth: 12,
  introspectionAllowed: true,
};

/** The demo consumer's plan. */
const CONSUMER_PLAN = { name: 'demo', rateLimitPoints: 5_000, rateLimitWindowSeconds: 1, maxCost: 20_000, introspectionAllowed: true };

/** Creates a plan unless an earlier demo run did. */
async function createPlanIfMissing(url: string, input: Record<string, unknown>): Promise<void> {
  const created = await admin(url, 'mutation P($input: CreatePlanInput!) { createPlan(input: $input) { name } }', { input });
  if (created.errors && created.errors[0]?.extensions?.code !== 'BAD_USER_INPUT') {
    throw new Error(`creating plan ${String(input.name)}: ${created.errors[0]?.message}`);
  }
}

/** A fresh key for the `demo` consumer (keys are stored hashed, so an old one can't be shown again). */
async function issueDemoKey(url: string): Promise<string> {
  await admin(url, 'mutation { createConsumer(input: { name: "demo", plan: "demo" }) { name } }', {});
  const issued = await admin(url, 'mutation { issueApiKey(input: { consumer: "demo", label: "npm run demo" }) { key } }', {});
  const key = (issued.data as { issueApiKey?: { key: string } } | undefined)?.issueApiKey?.key;
  if (!key) throw new Error(`issuing the demo key: ${issued.errors?.[0]?.message}`);
  return key;
}

/** Registers a subgraph, or refreshes its URL and SDL if an earlier demo run registered it. */
async function registerOrUpdate(url: string, name: string, subgraphUrl: string): Promise<void> {
  const register = await admin(url, 'mutation R($input: RegisterBackendInput!) { registerBackend(input: $input) { schema { version } } }', {
    input: { name, kind: 'FEDERATION_SUBGRAPH', url: subgraphUrl },
  });
  if (!register.errors) return;
  if (!register.errors[0]?.message.includes('already registered')) throw new Error(`registering ${name}: ${register.errors[0]?.message}`);
  const update = await admin(url, 'mutation U($input: UpdateBackendInput!) { updateBackend(input: $input) { schema { version } } }', {
    input: { name, url: subgraphUrl, refetchSdl: true },
  });
  if (update.errors) throw new Error(`updating ${name}: ${update.errors[0]?.message}`);
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
