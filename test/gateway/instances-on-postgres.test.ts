import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph, type SubgraphDefinition } from '../../subgraphs/lib/serve.js';
import { startGatehouseProcess, type GatehouseProcess } from '../helpers/gatehouse-process.js';
import { REGISTER_BACKEND, TEST_PLAN, type GraphQLResponse } from '../helpers/gatehouse.js';
import { eventually } from '../helpers/wait.js';
import { dropSchema, runSql, testDatabaseUrl, uniqueSchemaName } from '../store/engines.js';
import { catalog, stock } from './fixtures.js';

const REMOVE_BACKEND = /* GraphQL */ `mutation Remove($name: String!) { removeBackend(name: $name) { removed schema { version } } }`;
const SCHEMA = /* GraphQL */ `{ schema { version backends } }`;

type Registered = { registerBackend: { schema: { version: number; backends: string[] } } };

/** A subgraph adding `Query.greeting<index>`. */
function greeter(index: number): SubgraphDefinition {
  return {
    name: `greeter-${index}`,
    typeDefs: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"]) type Query { greeting${index}: String }`,
    resolvers: { Query: { [`greeting${index}`]: () => `hello ${index}` } },
  };
}

/** The admin result's data; fails the test with the errors otherwise. */
function dataOf<T>(response: GraphQLResponse<T>): T {
  expect(response.body.errors).toBeUndefined();
  return response.body.data!;
}

/**
 * Two Gatehouse processes on one PostgreSQL schema, as operators run them behind a load balancer.
 * The version poll is set to a minute and the lookup caches to the longest TTL allowed, so what
 * reaches the other instance within a second can only have come through the change feed.
 */
describe('two instances on one PostgreSQL schema', () => {
  const schema = uniqueSchemaName();
  let subgraphs: RunningSubgraph[];
  let a: GatehouseProcess;
  let b: GatehouseProcess;

  beforeAll(async () => {
    subgraphs = await Promise.all([catalog, stock, greeter(0), greeter(1)].map((definition) => serveSubgraph(definition)));
    const env = {
      GATEHOUSE_DATABASE_URL: testDatabaseUrl,
      GATEHOUSE_DATABASE_SCHEMA: schema,
      GATEHOUSE_REGISTRY_POLL_MS: '60000',
      GATEHOUSE_API_KEY_CACHE_TTL_MS: '60000',
    };
    [a, b] = await Promise.all([startGatehouseProcess(env), startGatehouseProcess(env)]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
    await Promise.all(subgraphs?.map((subgraph) => subgraph.close()) ?? []);
    await dropSchema(schema);
  });

  it('serves a backend registered on A from B within a second', async ({ annotate }) => {
    const registered = dataOf(await a.admin<Registered>(REGISTER_BACKEND, { input: { name: 'catalog', kind: 'FEDERATION_SUBGRAPH', url: subgraphs[0]!.url } }));
    const { version } = registered.registerBackend.schema;
    const { elapsedMs } = await eventually(() => b.servedVersion(), (served) => served === version, { timeoutMs: 1_000, what: `B serving version ${version}` });
    await annotate(`register on A → served on B: ${elapsedMs.toFixed(0)} ms`);
    const products = await b.query<{ products: Array<{ name: string }> }>('{ products { name } }');
    expect(products.body.errors).toBeUndefined();
    expect(products.body.data?.products.map((product) => product.name)).toEqual(['Table', 'Couch', 'Chair']);
  });

  it('drops from A a backend removed on B, within a second', async ({ annotate }) => {
    const added = dataOf(await a.admin<Registered>(REGISTER_BACKEND, { input: { name: 'stock', kind: 'FEDERATION_SUBGRAPH', url: subgraphs[1]!.url } }));
    await eventually(() => b.servedVersion(), (served) => served === added.registerBackend.schema.version, { timeoutMs: 1_000 });
    expect((await b.query('{ products { stock } }')).body.errors).toBeUndefined();

    const removed = dataOf(await b.admin<{ removeBackend: { schema: { version: number } } }>(REMOVE_BACKEND, { name: 'stock' }));
    const { version } = removed.removeBackend.schema;
    const { elapsedMs } = await eventually(() => a.servedVersion(), (served) => served === version, { timeoutMs: 1_000, what: `A serving version ${version}` });
    await annotate(`remove on B → dropped on A: ${elapsedMs.toFixed(0)} ms`);
    const query = await a.query('{ products { stock } }');
    expect(query.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('keeps both of two registrations racing on A and B, and both end on one version', async () => {
    const racing = await Promise.all(
      [a, b].map((instance, index) =>
        instance.admin<Registered>(REGISTER_BACKEND, {
          input: { name: `greeter-${index}`, kind: 'FEDERATION_SUBGRAPH', url: subgraphs[2 + index]!.url },
        }),
      ),
    );
    const versions = racing.map((response) => dataOf(response).registerBackend.schema.version);
    // Serialised: one after the other, each composed over what the other stored.
    expect(Math.abs(versions[0]! - versions[1]!)).toBe(1);
    const final = Math.max(...versions);
    for (const instance of [a, b]) {
      await eventually(() => instance.servedVersion(), (served) => served === final, { timeoutMs: 1_000 });
      const stored = dataOf(await instance.admin<{ schema: { version: number; backends: string[] } }>(SCHEMA));
      expect(stored.schema).toEqual({ version: final, backends: expect.arrayContaining(['catalog', 'greeter-0', 'greeter-1']) });
      expect(stored.schema.backends).toHaveLength(3);
      const greetings = await instance.query('{ greeting0 greeting1 }');
      expect(greetings.body).toEqual({ data: { greeting0: 'hello 0', greeting1: 'hello 1' } });
    }
  });

  describe('consumer changes made on one instance, refused on the other at once', () => {
    /** Creates a plan (if given) and a consumer on it through A; returns a fresh key of it. */
    async function keyOf(consumer: string, plan = TEST_PLAN): Promise<{ key: string; id: string }> {
      dataOf(await a.admin('mutation($input: CreateConsumerInput!) { createConsumer(input: $input) { name } }', { input: { name: consumer, plan } }));
      const issued = dataOf(await a.admin<{ issueApiKey: { key: string; apiKey: { id: string } } }>(
        'mutation($input: IssueApiKeyInput!) { issueApiKey(input: $input) { key apiKey { id } } }',
        { input: { consumer } },
      ));
      return { key: issued.issueApiKey.key, id: issued.issueApiKey.apiKey.id };
    }
    const statusOn = (instance: GatehouseProcess, key: string, query = '{ __typename }') => async () =>
      (await instance.query(query, undefined, { 'x-api-key': key })).status;

    it('refuses on B a key revoked on A, long before the 60 s cache TTL', async ({ annotate }) => {
      const { key, id } = await keyOf('revoked-on-a');
      // B has the key cached now, for up to a minute.
      expect(await statusOn(b, key)()).toBe(200);
      dataOf(await a.admin('mutation($id: ID!) { revokeApiKey(id: $id) { status } }', { id }));
      const { elapsedMs } = await eventually(statusOn(b, key), (status) => status === 401, { timeoutMs: 1_000, what: 'B refusing the revoked key' });
      await annotate(`revoke on A → refused on B: ${elapsedMs.toFixed(0)} ms`);
    });

    it('refuses on A the key of a consumer disabled on B', async () => {
      const { key } = await keyOf('disabled-on-b');
      expect(await statusOn(a, key)()).toBe(200);
      dataOf(await b.admin('mutation($input: UpdateConsumerInput!) { updateConsumer(input: $input) { disabled } }', { input: { name: 'disabled-on-b', disabled: true } }));
      await eventually(statusOn(a, key), (status) => status === 401, { timeoutMs: 1_000, what: 'A refusing the disabled consumer' });
    });

    it('applies on B a plan limit changed on A', async () => {
      dataOf(await a.admin('mutation($input: CreatePlanInput!) { createPlan(input: $input) { name } }', { input: { name: 'shrinking' } }));
      const { key } = await keyOf('on-shrinking', 'shrinking');
      const deep = '{ products { name } }';
      expect(await statusOn(b, key, deep)()).toBe(200);
      dataOf(await a.admin('mutation($input: UpdatePlanInput!) { updatePlan(input: $input) { maxDepth } }', { input: { name: 'shrinking', maxDepth: 1 } }));
      await eventually(statusOn(b, key, deep), (status) => status === 400, { timeoutMs: 1_000, what: 'B applying maxDepth 1' });
    });

    it('stops serving on B a trusted document removed on A', async () => {
      const document = '{ products { upc } }';
      const hash = `sha256:${createHash('sha256').update(document).digest('hex')}`;
      dataOf(await a.admin('mutation($documents: [String!]!) { addTrustedDocuments(documents: $documents) }', { documents: [document] }));
      const byId = async () =>
        (await fetch(`${b.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ documentId: hash }) })).status;
      // Cached by B for a minute (the trusted-document cache's TTL).
      expect(await byId()).toBe(200);
      dataOf(await a.admin('mutation($hash: String!) { removeTrustedDocument(hash: $hash) }', { hash }));
      await eventually(byId, (status) => status === 400, { timeoutMs: 1_000, what: 'B refusing the removed document' });
    });
  });
});

describe('several instances starting together on an empty schema', () => {
  it('migrates it once and all serve', async () => {
    const schema = uniqueSchemaName();
    const env = { GATEHOUSE_DATABASE_URL: testDatabaseUrl, GATEHOUSE_DATABASE_SCHEMA: schema };
    const started = await Promise.allSettled([1, 2, 3].map(() => startGatehouseProcess(env)));
    try {
      for (const result of started) if (result.status === 'rejected') throw result.reason;
      const migrations = await runSql<{ name: string }>(`select name from ${schema}.kysely_migration order by name`);
      expect(migrations.map((row) => row.name)).toEqual(expect.arrayContaining(['001-registry', '002-consumers', '003-backend-kinds', '004-backend-response-limits']));
      const plans = await runSql<{ name: string }>(`select name from ${schema}.plans`);
      expect(plans).toEqual([{ name: TEST_PLAN }]);
      for (const result of started) {
        if (result.status !== 'fulfilled') continue;
        expect((await fetch(`${result.value.url}/healthz`)).status).toBe(200);
        expect(dataOf(await result.value.admin<{ plans: Array<{ name: string }> }>('{ plans { name } }')).plans).toEqual([{ name: TEST_PLAN }]);
      }
    } finally {
      await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.stop('SIGKILL') : undefined)));
      await dropSchema(schema);
    }
  }, 90_000);
});
