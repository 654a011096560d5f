/**
 * The demo, as a function: the four example subgraphs, a REST pricing service and a plain GraphQL
 * Q&A service, and Gatehouse with all of them registered through the admin API and linked to the
 * federated `Product`, so GraphiQL shows the whole graph at once and the dashboard (/admin) opens
 * with the demo's admin token. `npm run demo` (scripts/demo.ts) runs it on the fixed ports the
 * README's examples use; tests run the same demo on free ports.
 */
import type { DestinationStream } from 'pino';
import { loadConfig } from '../src/config/load.js';
import { createGatehouse, type Gatehouse } from '../src/gatehouse.js';
import { createLogger } from '../src/log.js';
import { closeAll, startExampleSubgraphs } from '../subgraphs/index.js';
import { start as startQuestions } from '../subgraphs/questions/index.js';
import { start as startPricing } from '../subgraphs/rest-pricing/index.js';

export const DEMO_QUERY = /* GraphQL */ `# Welcome to Gatehouse. This query crosses three kinds of backend:
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

/** The demo's admin token unless `GATEHOUSE_ADMIN_TOKEN` says otherwise. Demo only: it is in the README. */
export const DEMO_ADMIN_TOKEN = 'gatehouse-demo-admin-token';

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

/**
 * The REST pricing service as the demo (and the bench) register it: its OpenAPI document, and
 * `Product.pricing` filled by one batched `listPrices` call per plan step.
 */
export function pricingRegistration(name: string, { url, openapiUrl }: { url: string; openapiUrl: string }) {
  return {
    name,
    kind: 'OPENAPI' as const,
    url,
    openapi: openapiUrl,
    links: [
      {
        type: 'Product',
        field: 'pricing',
        batch: { operation: 'listPrices', argument: 'skus', maxBatchSize: 50 },
        arguments: [{ name: 'skus', fromField: 'upc' }],
      },
    ],
  };
}

export interface DemoOptions {
  /** Settings by environment variable name, over the demo's own (the CLI passes `process.env`). */
  env?: Record<string, string | undefined>;
  /** Gatehouse's port, over `env.PORT`; `0` picks a free one. @default 4000 */
  port?: number;
  /**
   * Port of the first example service; the other five take the next ports (4001–4006: accounts,
   * products, reviews, inventory, pricing, questions). `0`: each picks a free one. @default 4001
   */
  subgraphsBasePort?: number;
  /** Where Gatehouse's log lines go; the level is `GATEHOUSE_LOG_LEVEL` (the demo's: `warn`). */
  logDestination?: DestinationStream;
}

export interface DemoService {
  /** The name it is registered under. */
  name: string;
  /** Its GraphQL endpoint, or the REST service's base URL. */
  url: string;
  port: number;
}

export interface RunningDemo extends AsyncDisposable {
  /** Gatehouse's base URL, e.g. `http://localhost:4000`. */
  url: string;
  adminToken: string;
  /** A fresh key of the `demo` consumer (keys are stored hashed, so an earlier one can't be shown again). */
  demoKey: string;
  /** In port order: accounts, products, reviews, inventory, pricing, questions. */
  services: DemoService[];
  /** The REST service's OpenAPI document. */
  openapiUrl: string;
  close(): Promise<void>;
}

/** Starts the demo's services and Gatehouse, registers everything, issues the demo key. */
export async function startDemo({ env = {}, port, subgraphsBasePort = 4001, logDestination }: DemoOptions = {}): Promise<RunningDemo> {
  const adminToken = env.GATEHOUSE_ADMIN_TOKEN || DEMO_ADMIN_TOKEN;
  const config = loadConfig({
    GATEHOUSE_ALLOW_PRIVATE_BACKENDS: 'true',
    GATEHOUSE_GRAPHIQL_DEFAULT_QUERY: DEMO_QUERY,
    GATEHOUSE_LOG_LEVEL: 'warn',
    // GraphiQL works without a key: requests without credentials run on this small plan (created below).
    GATEHOUSE_ANONYMOUS_PLAN: 'demo-anonymous',
    ...env,
    ...(port !== undefined && { PORT: String(port) }),
    GATEHOUSE_ADMIN_TOKEN: adminToken,
  });

  const ephemeral = subgraphsBasePort === 0;
  const subgraphs = await startExampleSubgraphs({ basePort: subgraphsBasePort });
  const closers: Array<() => Promise<void>> = [() => closeAll(subgraphs)];
  let gatehouse: Gatehouse | undefined;
  let closing: Promise<void> | undefined;
  // Gatehouse first, so nothing asks the services while they go away.
  const close = () => (closing ??= (async () => {
    await gatehouse?.close();
    await Promise.all(closers.map((closeOne) => closeOne()));
  })());
  try {
    const pricing = await startPricing({ port: ephemeral ? 0 : subgraphsBasePort + 4 });
    closers.push(() => pricing.close());
    const questions = await startQuestions({ port: ephemeral ? 0 : subgraphsBasePort + 5 });
    closers.push(() => questions.close());

    // Issued once everything is registered; GraphiQL shows it from then on.
    const issued: { demoKey?: string } = {};
    gatehouse = await createGatehouse(config, createLogger(config.logLevel, logDestination), {
      // The demo's own key and token in GraphiQL's headers tab, so both pages work at once.
      graphiqlHeaders: () => ({
        graphql: issued.demoKey ? { [config.auth.apiKeyHeader]: issued.demoKey } : undefined,
        admin: { Authorization: `Bearer ${adminToken}` },
      }),
      // The dashboard at /admin opens with the demo's token, without asking for it.
      dashboardAdminToken: () => adminToken,
    });
    const url = await gatehouse.listen();
    const admin = adminClient(url, adminToken);

    await upsertPlan(admin, ANONYMOUS_PLAN);
    await upsertPlan(admin, CONSUMER_PLAN);
    for (const subgraph of subgraphs) await registerOrUpdate(admin, { name: subgraph.name, kind: 'FEDERATION_SUBGRAPH', url: subgraph.url });
    await registerOrUpdate(admin, pricingRegistration('pricing', pricing));
    await registerOrUpdate(admin, {
      name: 'questions',
      kind: 'GRAPHQL',
      url: questions.url,
      prefix: 'qa',
      links: [
        { type: 'Product', field: 'reviewsSummary', rootField: 'reviewsSummary', arguments: [{ name: 'upc', fromField: 'upc' }] },
        { type: 'Product', field: 'questions', rootField: 'questions', arguments: [{ name: 'productUpc', fromField: 'upc' }] },
      ],
    });
    const demoKey = (issued.demoKey = await issueDemoKey(admin));

    const services = [...subgraphs.map(({ name, url }) => ({ name, url })), { name: 'pricing', url: pricing.url }, { name: 'questions', url: questions.url }];
    return {
      url,
      adminToken,
      demoKey,
      services: services.map((service) => ({ ...service, port: Number(new URL(service.url).port) })),
      openapiUrl: pricing.openapiUrl,
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

interface AdminAnswer {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

type AdminClient = (query: string, variables?: Record<string, unknown>) => Promise<AdminAnswer>;

function adminClient(url: string, token: string): AdminClient {
  return async (query, variables = {}) => {
    const response = await fetch(`${url}/admin/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as AdminAnswer;
  };
}

/** Creates a plan, or brings one an earlier demo run created up to date. */
async function upsertPlan(admin: AdminClient, input: Record<string, unknown>): Promise<void> {
  const created = await admin('mutation P($input: CreatePlanInput!) { createPlan(input: $input) { name } }', { input });
  if (!created.errors) return;
  const updated = await admin('mutation P($input: UpdatePlanInput!) { updatePlan(input: $input) { name } }', { input });
  if (updated.errors) throw new Error(`creating plan ${String(input.name)}: ${created.errors[0]?.message}`);
}

/** A fresh key for the `demo` consumer (keys are stored hashed, so an old one can't be shown again). */
async function issueDemoKey(admin: AdminClient): Promise<string> {
  // Refused when an earlier demo run created it, which is fine: the key is what matters.
  await admin('mutation { createConsumer(input: { name: "demo", plan: "demo" }) { name } }');
  const issued = await admin('mutation { issueApiKey(input: { consumer: "demo", label: "npm run demo" }) { key } }');
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
async function registerOrUpdate(admin: AdminClient, backend: DemoBackend): Promise<void> {
  const register = await admin('mutation R($input: RegisterBackendInput!) { registerBackend(input: $input) { schema { version } } }', {
    input: backend,
  });
  if (!register.errors) return;
  if (!register.errors[0]?.message.includes('already registered')) throw new Error(`registering ${backend.name}: ${register.errors[0]?.message}`);
  const refresh = backend.kind === 'OPENAPI' ? { openapi: backend.openapi } : { refetchSdl: true };
  const update = await admin('mutation U($input: UpdateBackendInput!) { updateBackend(input: $input) { schema { version } } }', {
    input: { name: backend.name, url: backend.url, ...refresh, ...(backend.links && { links: backend.links }) },
  });
  if (update.errors) throw new Error(`updating ${backend.name}: ${update.errors[0]?.message}`);
}
