import { describe, expect, it } from 'vitest';
import { serveSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse } from '../helpers/gatehouse.js';
import { startLoad } from '../helpers/load.js';
import { startOwnRedis } from '../helpers/own-redis.js';
import { consumerWithPlan, shop } from './fixtures.js';

describe('Redis restarted under load, GATEHOUSE_REDIS_FAILURE=closed', () => {
  it('refuses limited requests with 503 RATE_LIMIT_UNAVAILABLE while it is down, serves the rest, and recovers', async () => {
    await using redis = await startOwnRedis();
    await using subgraph = await serveSubgraph(shop);
    await using gatehouse = await startGatehouse({
      backends: [{ name: 'shop', url: subgraph.url }],
      env: { GATEHOUSE_REDIS_URL: redis.url, GATEHOUSE_REDIS_FAILURE: 'closed', GATEHOUSE_REDIS_COMMAND_TIMEOUT_MS: '100' },
    });
    const limited = await consumerWithPlan(gatehouse, 'busy', { rateLimitPoints: 1_000_000, rateLimitWindowSeconds: 1 });
    const load = startLoad([{ url: `${gatehouse.url}/graphql`, headers: limited }], { query: '{ product(upc: "p1") { name } }' });
    try {
      const count = (predicate: (r: (typeof load.results)[number]) => boolean) => load.results.filter(predicate).length;
      await expect.poll(() => count((r) => r.status === 200), { timeout: 10_000 }).toBeGreaterThan(20);

      await redis.stop();
      await expect.poll(() => count((r) => r.code === 'RATE_LIMIT_UNAVAILABLE'), { timeout: 10_000 }).toBeGreaterThan(20);
      const refused = await gatehouse.query('{ product(upc: "p1") { name } }', undefined, limited);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.headers.get('ratelimit-limit')).toBeNull();
      expect(refused.body.data).toBeUndefined();
      expect(refused.body.errors).toEqual([
        { message: 'Rate limits cannot be checked right now; retry shortly.', extensions: { code: 'RATE_LIMIT_UNAVAILABLE' } },
      ]);
      expect(JSON.stringify(refused.body)).not.toMatch(new RegExp(`127\\.0\\.0\\.1|${redis.port}|redis`, 'i'));
      // A plan without limits needs no budget: it is served as usual.
      expect((await gatehouse.query('{ product(upc: "p1") { name } }')).status).toBe(200);

      await redis.start();
      const before = count((r) => r.status === 200);
      await expect.poll(() => count((r) => r.status === 200) - before, { timeout: 10_000 }).toBeGreaterThan(20);
    } finally {
      await load.stop();
    }
    // Nothing hung and nothing failed for another reason.
    const outcomes = new Set(load.results.map((r) => `${r.status} ${r.code ?? ''}`.trim()));
    expect([...outcomes].sort()).toEqual(['200', '503 RATE_LIMIT_UNAVAILABLE']);
  });
});
