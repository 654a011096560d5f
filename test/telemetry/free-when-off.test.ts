import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryPlans, subgraphFetches } from '../../src/graph/engine/instrumentation.js';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse } from '../helpers/gatehouse.js';
import { shopProducts, shopReviews, TOP_REVIEWS } from './fixtures.js';

/**
 * "Off" means no work: with metrics, tracing, access logs and usage records off nothing listens on
 * the engine's tracing channels, so each fetch and plan skips them (`hasSubscribers` is checked first), and no
 * telemetry object exists. Each test file runs in its own process, so no other gateway is listening.
 */
describe('telemetry off costs nothing on the hot path', () => {
  let products: RunningSubgraph;
  let reviews: RunningSubgraph;
  beforeAll(async () => {
    [products, reviews] = await Promise.all([serveSubgraph(shopProducts), serveSubgraph(shopReviews)]);
  });
  afterAll(async () => {
    await Promise.all([products?.close(), reviews?.close()]);
  });
  const backends = () => [
    { name: products.name, url: products.url },
    { name: reviews.name, url: reviews.url },
  ];

  it('with everything off: no listener on the engine’s channels, no metrics hooks, answers as usual', async () => {
    await using gatehouse = await startGatehouse({ backends: backends(), env: { GATEHOUSE_METRICS: 'false', GATEHOUSE_ACCESS_LOG: 'false', GATEHOUSE_USAGE: 'false' } });
    expect(subgraphFetches.hasSubscribers).toBe(false);
    expect(queryPlans.hasSubscribers).toBe(false);
    const result = await gatehouse.query(TOP_REVIEWS);
    expect(result.body.errors).toBeUndefined();
    expect(gatehouse.gatehouse.metrics).toBeUndefined();
    expect((await fetch(`${gatehouse.url}/metrics`)).status).toBe(404);
  });

  it('metrics subscribe while the gateway runs, and stop when it closes', async () => {
    const gatehouse = await startGatehouse({ backends: backends() });
    try {
      expect(subgraphFetches.hasSubscribers).toBe(true);
      expect(queryPlans.hasSubscribers).toBe(true);
    } finally {
      await gatehouse.close();
    }
    expect(subgraphFetches.hasSubscribers).toBe(false);
    expect(queryPlans.hasSubscribers).toBe(false);
  });

  it('usage records alone listen to backend fetches (not to plans), and stop when the gateway closes', async () => {
    const gatehouse = await startGatehouse({ backends: backends(), env: { GATEHOUSE_METRICS: 'false', GATEHOUSE_ACCESS_LOG: 'false' } });
    try {
      expect(subgraphFetches.hasSubscribers).toBe(true);
      expect(queryPlans.hasSubscribers).toBe(false);
    } finally {
      await gatehouse.close();
    }
    expect(subgraphFetches.hasSubscribers).toBe(false);
  });
});
