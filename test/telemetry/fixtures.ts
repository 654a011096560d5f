import type { SubgraphDefinition } from '../../subgraphs/lib/serve.js';
import type { RunningGatehouse } from '../helpers/gatehouse.js';

/** Two subgraphs whose one query plan fetches from both: products, then reviews of each product. */
export const shopProducts: SubgraphDefinition = {
  name: 'shop-products',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { topProducts: [Product!]! }
    type Product @key(fields: "upc") { upc: ID! name: String! }
  `,
  resolvers: {
    Query: { topProducts: () => [{ upc: '1', name: 'Kettle' }, { upc: '2', name: 'Teapot' }] },
    Product: { __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc, name: ref.upc === '1' ? 'Kettle' : 'Teapot' }) },
  },
};

export const shopReviews: SubgraphDefinition = {
  name: 'shop-reviews',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Product @key(fields: "upc") { upc: ID! reviews: [Review!]! }
    type Review { body: String! }
  `,
  resolvers: {
    Product: { __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc, reviews: [{ body: `review of ${ref.upc}` }] }) },
  },
};

/** The query that crosses both, named. */
export const TOP_REVIEWS = 'query TopReviews { topProducts { name reviews { body } } }';

/** Creates `plan`, a consumer `<plan>-app` on it and an API key of that consumer. */
export async function issueKey(gatehouse: RunningGatehouse, plan: { name: string } & Record<string, unknown>): Promise<{ key: string; prefix: string; consumer: string }> {
  const consumer = `${plan.name}-app`;
  const created = await gatehouse.admin<{ issueApiKey: { key: string; apiKey: { prefix: string } } }>(
    `mutation($plan: CreatePlanInput!, $consumer: CreateConsumerInput!, $key: IssueApiKeyInput!) {
      createPlan(input: $plan) { name } createConsumer(input: $consumer) { name } issueApiKey(input: $key) { key apiKey { prefix } }
    }`,
    { plan, consumer: { name: consumer, plan: plan.name }, key: { consumer } },
  );
  if (created.body.errors) throw new Error(`issuing a key failed: ${JSON.stringify(created.body.errors)}`);
  const { key, apiKey } = created.body.data!.issueApiKey;
  return { key, prefix: apiKey.prefix, consumer };
}
