import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { freshKeyspace, sharedRedisUrl, startOwnRedis, type RedisKeyspace } from '../helpers/own-redis.js';
import { cacheShop, cacheStatus, purge, type CacheShop } from './cache-fixtures.js';
import { pollUntil } from './consumers.js';

describe('response cache on Redis, shared by two instances', () => {
  let shop: CacheShop;
  let shopServer: RunningSubgraph;
  let redis: RedisKeyspace;
  let first: RunningGatehouse;
  let second: RunningGatehouse;

  beforeAll(async () => {
    shop = cacheShop();
    [shopServer, redis] = await Promise.all([serveSubgraph(shop), freshKeyspace()]);
    // Two stores registering the same backend serve the same schema version, as a cluster on one store does.
    const options = {
      backends: [{ name: 'shop', url: shopServer.url }],
      env: { GATEHOUSE_REDIS_URL: sharedRedisUrl, GATEHOUSE_REDIS_PREFIX: redis.prefix },
    };
    [first, second] = await Promise.all([startGatehouse(options), startGatehouse(options)]);
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await Promise.all([shopServer?.close(), redis?.close()]);
  });

  it('serves an answer cached through one instance as a HIT on the other', async () => {
    const query = '{ product(upc: "p1") { upc name } }';
    const miss = await first.query(query);
    expect(cacheStatus(miss)).toBe('MISS');
    const before = shopServer.requestCount;
    const hit = await second.query(query);
    expect(cacheStatus(hit)).toBe('HIT');
    expect(hit.body).toEqual(miss.body);
    expect(shopServer.requestCount).toBe(before);
    expect((await redis.keys()).some((key) => key.startsWith(`${redis.prefix}cache:entry:`))).toBe(true);
  });

  it("invalidates on both when a mutation runs through either, and only the mutated entity's answers", async () => {
    const p1 = '{ product(upc: "p1") { name } }';
    const p2 = '{ product(upc: "p2") { name } }';
    await first.query(p1);
    await first.query(p2);
    expect(cacheStatus(await second.query(p1))).toBe('HIT');

    await second.query('mutation { renameProduct(upc: "p1", name: "Bench") { upc } }');
    const fresh = await first.query(p1);
    expect(cacheStatus(fresh)).toBe('MISS');
    expect(fresh.body).toEqual({ data: { product: { name: 'Bench' } } });
    expect(cacheStatus(await second.query(p2))).toBe('HIT');
    shop.names.set('p1', 'Table');
  });

  it('purges for both from either: by type and key, by type, everything', async () => {
    const p2 = '{ product(upc: "p2") { name } }';
    const p3 = '{ product(upc: "p3") { name } }';
    for (const query of [p2, p3]) await first.query(query);
    expect(await purge(second, { typeName: 'Product', key: 'p3' })).toBe(1);
    expect(cacheStatus(await first.query(p3))).toBe('MISS');
    expect(cacheStatus(await first.query(p2))).toBe('HIT');
    expect(await purge(second, { typeName: 'Product' })).toBeGreaterThanOrEqual(2);
    expect(cacheStatus(await first.query(p2))).toBe('MISS');
    expect(await purge(first)).toBeGreaterThanOrEqual(1);
    expect((await redis.keys()).filter((key) => key.startsWith(`${redis.prefix}cache:`))).toEqual([]);
  });
});

describe('response cache when Redis goes away', () => {
  it('degrades to MISS without failing a request, and hits again once Redis is back', async () => {
    await using own = await startOwnRedis();
    await using shopServer = await serveSubgraph(cacheShop());
    await using gatehouse = await startGatehouse({
      backends: [{ name: 'shop', url: shopServer.url }],
      env: { GATEHOUSE_REDIS_URL: own.url, GATEHOUSE_REDIS_PREFIX: 'degrade:' },
    });
    const query = '{ product(upc: "p2") { upc name } }';
    const expected = { data: { product: { upc: 'p2', name: 'Couch' } } };
    expect(cacheStatus(await gatehouse.query(query))).toBe('MISS');
    expect(cacheStatus(await gatehouse.query(query))).toBe('HIT');

    await own.stop();
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await gatehouse.query(query);
      expect(response.status).toBe(200);
      expect(response.body).toEqual(expected);
      expect(cacheStatus(response)).toBe('MISS');
    }
    const mutation = await gatehouse.query('mutation { renameProduct(upc: "p2", name: "Couch") { upc } }');
    expect(mutation.body).toEqual({ data: { renameProduct: { upc: 'p2' } } });
    expect((await gatehouse.admin('mutation { purgeResponseCache }')).body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');

    await own.start();
    // It reconnects by itself (backing off up to 2 s): a miss stores the answer again, then it hits.
    const { response } = await pollUntil(() => gatehouse.query(query), (answer) => cacheStatus(answer) === 'HIT', { timeoutMs: 10_000, intervalMs: 100 });
    expect(response.body).toEqual(expected);
  });
});
