import { describe, expect, it } from 'vitest';
import { serveSubgraph } from '../../subgraphs/lib/serve.js';
import { postGraphQL, REGISTER_BACKEND, TEST_ADMIN_TOKEN, type GraphQLResponse } from '../helpers/gatehouse.js';
import { startGatehouseProcess, type GatehouseProcess } from '../helpers/gatehouse-process.js';
import { startLoad } from '../helpers/load.js';
import { freshKeyspace, sharedRedisUrl, startOwnRedis } from '../helpers/own-redis.js';
import { consumerWithPlan, shop } from '../request-path/fixtures.js';
import { postgresEngine, testDatabaseUrl } from '../store/engines.js';

// A cost-1 operation; a window of a day, so the budget refills one point per 2160 s: nothing
// comes back while a test runs, and the bound to check is N itself (tolerance: none).
const QUERY = '{ product(upc: "p1") { name } }';
const N = 20;
const DAY_WINDOW = { rateLimitPoints: N, rateLimitWindowSeconds: 86_400 };

const adminOf = (instance: GatehouseProcess) => ({
  admin: <T>(query: string, variables?: Record<string, unknown>) =>
    postGraphQL<T>(`${instance.url}/admin/graphql`, query, variables, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }),
});

/**
 * Two instances on one PostgreSQL schema (so one consumer and one key) and the given Redis.
 * B starts after A has migrated the schema and registered the backend, so it serves it from
 * the start without depending on registry sync.
 */
async function twoInstances(env: Record<string, string>) {
  const storage = await postgresEngine.freshStorage();
  const subgraph = await serveSubgraph(shop);
  const instances: GatehouseProcess[] = [];
  const dispose = async () => {
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    await subgraph.close();
    await storage.dispose();
  };
  try {
    const shared = { GATEHOUSE_DATABASE_URL: testDatabaseUrl, GATEHOUSE_DATABASE_SCHEMA: (storage.config as { schema: string }).schema, ...env };
    instances.push(await startGatehouseProcess(shared));
    const registered = await adminOf(instances[0]!).admin(REGISTER_BACKEND, { input: { name: 'shop', kind: 'FEDERATION_SUBGRAPH', url: subgraph.url } });
    if (registered.body.errors) throw new Error(JSON.stringify(registered.body.errors));
    instances.push(await startGatehouseProcess(shared));
  } catch (error) {
    await dispose();
    throw error;
  }
  const [a, b] = instances as [GatehouseProcess, GatehouseProcess];
  return { a, b, admin: adminOf(a), [Symbol.asyncDispose]: dispose };
}

/** `total` requests as `headers`, `concurrency` at a time, alternating between the instances; statuses per instance. */
async function burst(instances: GatehouseProcess[], headers: Record<string, string>, total: number, concurrency = 12) {
  const answers: Array<{ instance: number; response: GraphQLResponse }> = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total) {
        const instance = sent++ % instances.length;
        answers.push({ instance, response: await postGraphQL(`${instances[instance]!.url}/graphql`, QUERY, undefined, headers) });
      }
    }),
  );
  const admitted = (instance?: number) => answers.filter((a) => (instance === undefined || a.instance === instance) && a.response.status === 200).length;
  const refusals = new Set(answers.filter((a) => a.response.status !== 200).map((a) => `${a.response.status} ${a.response.body.errors?.[0]?.extensions?.code}`));
  return { admitted, refusals };
}

const linesOf = (instance: GatehouseProcess, message: string) => instance.output.split('\n').filter((line) => line.includes(`"msg":"${message}`)).length;
const DEGRADED = 'shared rate-limit budget unreachable: counting per instance';
const RECOVERED = 'shared rate-limit budget reachable again';

describe('two gateway processes on one Redis', () => {
  it('admit a consumer N points per window in total, and N requests of a quota, under concurrent load through both', async () => {
    await using keyspace = await freshKeyspace();
    // A generous command timeout: this test is about exact sharing, and a loaded CI machine must not
    // flip an instance to counting on its own over one slow reply.
    await using cluster = await twoInstances({
      GATEHOUSE_REDIS_URL: sharedRedisUrl,
      GATEHOUSE_REDIS_PREFIX: keyspace.prefix,
      GATEHOUSE_REDIS_COMMAND_TIMEOUT_MS: '5000',
    });
    const { a, b, admin } = cluster;

    const rated = await consumerWithPlan(admin, 'rated', DAY_WINDOW);
    const rate = await burst([a, b], rated, 3 * N);
    expect(rate.admitted()).toBe(N);
    expect(rate.admitted(0)).toBeGreaterThan(0);
    expect(rate.admitted(1)).toBeGreaterThan(0);
    expect([...rate.refusals]).toEqual(['429 RATE_LIMITED']);

    const dayBefore = new Date().getUTCDate();
    const quoted = await consumerWithPlan(admin, 'quoted', { quotaPeriod: 'DAY', quotaRequests: 30 });
    const quota = await burst([a, b], quoted, 90);
    // Only a UTC midnight falling inside the burst could open a second day's quota.
    const days = new Date().getUTCDate() === dayBefore ? 1 : 2;
    expect(quota.admitted()).toBeGreaterThanOrEqual(30);
    expect(quota.admitted()).toBeLessThanOrEqual(30 * days);
    expect([...quota.refusals]).toEqual(['429 QUOTA_EXCEEDED']);
    expect(await keyspace.keys()).toEqual(expect.arrayContaining([expect.stringMatching(/rate:\{consumer:/), expect.stringMatching(/quota:\{consumer:/)]));
  });

  it('Redis restarted under load (open): served throughout, per instance while it is down, shared again once it is back', async () => {
    await using redis = await startOwnRedis();
    await using cluster = await twoInstances({ GATEHOUSE_REDIS_URL: redis.url, GATEHOUSE_REDIS_COMMAND_TIMEOUT_MS: '1000' });
    const { a, b, admin } = cluster;
    const [busy, before, during, after] = [
      await consumerWithPlan(admin, 'busy', { rateLimitPoints: 1_000_000, rateLimitWindowSeconds: 1 }),
      await consumerWithPlan(admin, 'before', DAY_WINDOW),
      await consumerWithPlan(admin, 'during', DAY_WINDOW),
      await consumerWithPlan(admin, 'after', DAY_WINDOW),
    ];
    const load = startLoad(
      [a, b].map((instance) => ({ url: `${instance.url}/graphql`, headers: busy })),
      { query: QUERY },
    );
    try {
      expect((await burst([a, b], before, 3 * N)).admitted()).toBe(N);

      await redis.stop();
      await expect.poll(() => linesOf(a, DEGRADED) + linesOf(b, DEGRADED), { timeout: 15_000 }).toBe(2);
      // The documented failover bound: each instance grants the whole budget on its own.
      const down = await burst([a, b], during, 3 * N);
      expect(down.admitted(0)).toBe(N);
      expect(down.admitted(1)).toBe(N);

      await redis.start();
      await expect.poll(() => linesOf(a, RECOVERED) + linesOf(b, RECOVERED), { timeout: 15_000 }).toBe(2);
      const back = await burst([a, b], after, 3 * N);
      expect(back.admitted()).toBe(N);
      expect([...back.refusals]).toEqual(['429 RATE_LIMITED']);
    } finally {
      await load.stop();
    }
    expect(load.results.length).toBeGreaterThan(50);
    expect(load.results.filter((r) => r.status !== 200)).toEqual([]);
    for (const instance of [a, b]) {
      expect(linesOf(instance, DEGRADED)).toBe(1);
      expect(linesOf(instance, RECOVERED)).toBe(1);
    }
  });
});
