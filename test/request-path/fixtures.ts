import type { SubgraphDefinition } from '../../subgraphs/lib/serve.js';
import type { RunningGatehouse } from '../helpers/gatehouse.js';

/**
 * A shop subgraph annotated with the cost directives (Federation 2.9): list
 * fields with and without slicing arguments, `@listSize(sizedFields:)` on a
 * connection, `@cost` on fields, types, arguments and input fields, a
 * recursive type for depth bombs and a mutation.
 */
export const SHOP_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])

  type Query {
    products(first: Int, after: String): [Product!]! @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)
    topProducts(limit: Int = 5): [Product!]! @listSize(slicingArguments: ["limit"])
    featured: [Product!]! @listSize(assumedSize: 3)
    allProducts: [Product!]!
    search(first: Int, last: Int): ProductConnection! @listSize(slicingArguments: ["first", "last"], sizedFields: ["edges"])
    product(upc: ID!): Product
    grid: [[Product!]!]!
    expensive: Int @cost(weight: 25)
    hundred: Int @cost(weight: 100)
    node(filter: Filter): Product
  }

  type Mutation {
    addReview(upc: ID!, body: String! @cost(weight: 7)): Review
  }

  input Filter {
    name: String @cost(weight: 4)
    tags: [String!]
  }

  type ProductConnection {
    edges: [Product!]!
    total: Int!
  }

  type Product @key(fields: "upc") {
    upc: ID!
    name: String!
    price: Money!
    reviews: [Review!]!
    related(first: Int): [Product!]! @listSize(slicingArguments: ["first"])
  }

  type Money @cost(weight: 2) {
    amount: Int!
  }

  type Review {
    body: String!
    author: User @cost(weight: 3)
  }

  type User {
    name: String!
  }
`;

interface ProductRow {
  upc: string;
  name: string;
}

const rows: ProductRow[] = [
  { upc: 'p1', name: 'Table' },
  { upc: 'p2', name: 'Couch' },
];

const product = (row: ProductRow) => ({ ...row, price: { amount: 100 }, reviews: [{ body: 'ok', author: { name: 'ann' } }] });

export const shop: SubgraphDefinition = {
  name: 'shop',
  typeDefs: SHOP_SDL,
  resolvers: {
    Query: {
      products: () => rows.map(product),
      topProducts: () => rows.map(product),
      featured: () => rows.map(product),
      allProducts: () => rows.map(product),
      search: () => ({ edges: rows.map(product), total: rows.length }),
      product: (_: unknown, { upc }: { upc: string }) => {
        const row = rows.find((r) => r.upc === upc);
        return row ? product(row) : null;
      },
      grid: () => [rows.map(product)],
      expensive: () => 1,
      hundred: () => 100,
      node: () => product(rows[0]!),
    },
    Mutation: {
      addReview: (_: unknown, { body }: { body: string }) => ({ body, author: null }),
    },
    Product: {
      __resolveReference: (ref: { upc: string }) => {
        const row = rows.find((r) => r.upc === ref.upc);
        return row ? product(row) : null;
      },
      // Empty, so a deep but admitted nesting of `related` answers at once.
      related: () => [],
    },
  },
};

export interface PlanSettings {
  rateLimitPoints?: number;
  rateLimitWindowSeconds?: number;
  quotaPeriod?: 'DAY' | 'MONTH';
  quotaCostPoints?: number;
  quotaRequests?: number;
  maxCost?: number;
  maxDepth?: number;
  introspectionAllowed?: boolean;
  trustedDocumentsOnly?: boolean;
}

/**
 * Creates a plan and a consumer on it through the admin API and issues a key;
 * returns the headers that authenticate as that consumer.
 */
export async function consumerWithPlan(gatehouse: Pick<RunningGatehouse, 'admin'>, name: string, plan: PlanSettings): Promise<Record<string, string>> {
  const steps: Array<[string, Record<string, unknown>]> = [
    ['mutation($input: CreatePlanInput!) { createPlan(input: $input) { name } }', { input: { name: `${name}-plan`, ...plan } }],
    ['mutation($input: CreateConsumerInput!) { createConsumer(input: $input) { name } }', { input: { name, plan: `${name}-plan` } }],
  ];
  for (const [mutation, variables] of steps) {
    const result = await gatehouse.admin(mutation, variables);
    if (result.body.errors) throw new Error(`${mutation}: ${JSON.stringify(result.body.errors)}`);
  }
  const issued = await gatehouse.admin<{ issueApiKey: { key: string } }>(
    'mutation($input: IssueApiKeyInput!) { issueApiKey(input: $input) { key } }',
    { input: { consumer: name } },
  );
  if (!issued.body.data?.issueApiKey) throw new Error(`issueApiKey: ${JSON.stringify(issued.body.errors)}`);
  return { 'x-api-key': issued.body.data.issueApiKey.key };
}

/** POSTs raw JSON (a batch, extensions, a Hive `documentId`) to /graphql. */
export function postRaw(gatehouse: RunningGatehouse, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${gatehouse.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify(body),
  });
}
