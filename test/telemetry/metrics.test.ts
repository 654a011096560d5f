import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { createObservation } from '../../src/telemetry/observation.js';
import { Metrics } from '../../src/telemetry/metrics.js';
import { parsePrometheusText, scrape, type Exposition } from '../helpers/prometheus-text.js';
import { REGISTER_BACKEND, startGatehouse, TEST_PLAN, type RunningGatehouse } from '../helpers/gatehouse.js';
import { issueKey, shopProducts, shopReviews, TOP_REVIEWS } from './fixtures.js';

const NAMES = 'query Names { topProducts { name } }';

describe('/metrics after a scripted mix of requests', () => {
  let products: RunningSubgraph;
  let reviews: RunningSubgraph;
  let flaky: RunningSubgraph;
  let gatehouse: RunningGatehouse;
  let metrics: Exposition;
  let productsCalls: number;
  let reviewsCalls: number;

  beforeAll(async () => {
    [products, reviews, flaky] = await Promise.all([
      serveSubgraph(shopProducts),
      serveSubgraph(shopReviews),
      serveSubgraph({
        name: 'flaky',
        typeDefs: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"]) type Query { flaky: String }',
        resolvers: { Query: { flaky: () => 'ok' } },
      }),
    ]);
    // A fixed clock: the quota and the rate limit never refill during the test.
    const now = Date.UTC(2030, 0, 15, 12);
    gatehouse = await startGatehouse({
      backends: [
        { name: products.name, url: products.url },
        { name: reviews.name, url: reviews.url },
        { name: flaky.name, url: flaky.url },
      ],
      now: () => now,
    });
    const { key: quotaKey } = await issueKey(gatehouse, { name: 'two-a-day', quotaPeriod: 'DAY', quotaRequests: 2 });
    const { key: trickleKey } = await issueKey(gatehouse, { name: 'trickle', rateLimitPoints: 1, rateLimitWindowSeconds: 3600 });
    await flaky.close();
    // A registration that does not compose: `topProducts` already returns [Product!]!.
    const refused = await gatehouse.admin(REGISTER_BACKEND, {
      input: { name: 'clash', kind: 'FEDERATION_SUBGRAPH', url: 'http://127.0.0.1:9/graphql', sdl: 'type Query { topProducts: Int }' },
    });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('COMPOSITION_FAILED');

    const productsBefore = products.requestCount;
    const reviewsBefore = reviews.requestCount;
    const expectStatus = async (status: number, pending: Promise<{ status: number }>) => expect((await pending).status).toBe(status);
    for (let i = 0; i < 3; i++) await expectStatus(200, gatehouse.query(TOP_REVIEWS));
    for (let i = 0; i < 2; i++) await expectStatus(200, gatehouse.query(NAMES));
    await expectStatus(200, gatehouse.query('{ topProducts { upc } }'));
    await expectStatus(400, gatehouse.query('query Broken {'));
    await expectStatus(400, gatehouse.query('query Bad { nope }'));
    await expectStatus(401, gatehouse.query(NAMES, undefined, { 'x-api-key': 'gh_live_AAAAAAAA_not-a-real-key-000000000000000' }));
    for (let i = 0; i < 2; i++) await expectStatus(200, gatehouse.query(NAMES, undefined, { 'x-api-key': quotaKey }));
    await expectStatus(429, gatehouse.query(NAMES, undefined, { 'x-api-key': quotaKey }));
    await expectStatus(429, gatehouse.query(TOP_REVIEWS, undefined, { 'x-api-key': trickleKey }));
    const batch = await fetch(`${gatehouse.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: 'query A { topProducts { upc } }' }, { query: 'query B { topProducts { name } }' }]),
    });
    expect(batch.status).toBe(200);
    const down = await gatehouse.query('query Flaky { flaky }');
    expect(down.body.errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
    productsCalls = products.requestCount - productsBefore;
    reviewsCalls = reviews.requestCount - reviewsBefore;

    metrics = await scrape(`${gatehouse.url}/metrics`);
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([products?.close(), reviews?.close(), flaky?.close()]);
  });

  it('counts requests by operation, status and plan', () => {
    const requests = (operation: string, status: number, plan: string) => metrics.value('gatehouse_requests_total', { endpoint: 'graphql', operation, status: String(status), plan });
    expect(requests('TopReviews', 200, TEST_PLAN)).toBe(3);
    expect(requests('Names', 200, TEST_PLAN)).toBe(2);
    expect(requests('(anonymous)', 200, TEST_PLAN)).toBe(1);
    // A document that does not parse has no operation; one that parses but does not validate does.
    expect(requests('(none)', 400, TEST_PLAN)).toBe(1);
    expect(requests('Bad', 400, TEST_PLAN)).toBe(1);
    // Refused before any plan was known.
    expect(requests('(none)', 401, '')).toBe(1);
    expect(requests('Names', 200, 'two-a-day')).toBe(2);
    expect(requests('Names', 429, 'two-a-day')).toBe(1);
    expect(requests('TopReviews', 429, 'trickle')).toBe(1);
    expect(requests('(batch)', 200, TEST_PLAN)).toBe(1);
    expect(requests('Flaky', 200, TEST_PLAN)).toBe(1);
    expect(metrics.sum('gatehouse_requests_total', { endpoint: 'graphql' })).toBe(15);
    expect(metrics.value('gatehouse_request_duration_seconds_count', { endpoint: 'graphql', operation: 'TopReviews' })).toBe(4);
  });

  it('counts refusals by the plans’ budgets and error codes in answers', () => {
    expect(metrics.value('gatehouse_limit_refusals_total', { code: 'QUOTA_EXCEEDED', plan: 'two-a-day' })).toBe(1);
    expect(metrics.value('gatehouse_limit_refusals_total', { code: 'RATE_LIMITED', plan: 'trickle' })).toBe(1);
    expect(metrics.sum('gatehouse_limit_refusals_total')).toBe(2);
    const errors = (code: string) => metrics.value('gatehouse_graphql_errors_total', { endpoint: 'graphql', code });
    expect(errors('GRAPHQL_PARSE_FAILED')).toBe(1);
    expect(errors('GRAPHQL_VALIDATION_FAILED')).toBe(1);
    expect(errors('UNAUTHENTICATED')).toBe(1);
    expect(errors('QUOTA_EXCEEDED')).toBe(1);
    expect(errors('RATE_LIMITED')).toBe(1);
    expect(errors('BACKEND_UNAVAILABLE')).toBe(1);
    // No response carried x-gatehouse-cache, so no cache series exist.
    expect(metrics.samples('gatehouse_response_cache_total')).toEqual([]);
  });

  it('counts backend fetches by backend and outcome, matching what the subgraphs received', () => {
    // TopReviews ×3, Names ×2 (+2 on the quota plan), the anonymous one, the batch's two.
    expect(metrics.value('gatehouse_backend_requests_total', { backend: 'shop-products', outcome: 'ok' })).toBe(10);
    expect(productsCalls).toBe(10);
    expect(metrics.value('gatehouse_backend_requests_total', { backend: 'shop-reviews', outcome: 'ok' })).toBe(3);
    expect(reviewsCalls).toBe(3);
    expect(metrics.value('gatehouse_backend_requests_total', { backend: 'flaky', outcome: 'error' })).toBe(1);
    expect(metrics.value('gatehouse_backend_errors_total', { backend: 'flaky', code: 'BACKEND_UNAVAILABLE' })).toBe(1);
    expect(metrics.sum('gatehouse_backend_errors_total')).toBe(1);
    expect(metrics.value('gatehouse_backend_request_duration_seconds_count', { backend: 'shop-products' })).toBe(10);
  });

  it('times the phases', () => {
    for (const phase of ['parse', 'validate', 'plan', 'execute']) {
      expect(metrics.value('gatehouse_graphql_phase_duration_seconds_count', { phase }), phase).toBeGreaterThan(0);
    }
    // Plans are cached per document: TopReviews, Names, the anonymous one, the batch's A and B and Flaky
    // are planned once each, however often they were sent (a cached plan is no planning).
    expect(metrics.value('gatehouse_graphql_phase_duration_seconds_count', { phase: 'plan' })).toBe(6);
  });

  it('reports the schema served, the registry’s compositions and the store', () => {
    expect(metrics.value('gatehouse_schema_version')).toBe(gatehouse.gatehouse.served.current!.version);
    expect(metrics.value('gatehouse_schema_backends')).toBe(3);
    expect(metrics.value('gatehouse_registry_compositions_total', { result: 'accepted' })).toBe(3);
    expect(metrics.value('gatehouse_registry_compositions_total', { result: 'refused' })).toBe(1);
    expect(metrics.value('gatehouse_registry_last_composition_success')).toBe(0);
    expect(metrics.value('gatehouse_schema_swaps_total')).toBe(3);
    expect(metrics.value('gatehouse_store_up')).toBe(1);
    expect(metrics.value('gatehouse_store_check_duration_seconds')).toBeGreaterThan(0);
  });

  it('counts admin requests on their own endpoint label, and exposes the process metrics', async () => {
    const before = metrics.sum('gatehouse_requests_total', { endpoint: 'admin', operation: 'Backends' });
    await gatehouse.admin('query Backends { backends { name } }');
    await gatehouse.admin('query Backends { backends { name } }', undefined, { authorization: 'Bearer wrong-token-wrong-token' });
    const after = await scrape(`${gatehouse.url}/metrics`);
    expect(after.value('gatehouse_requests_total', { endpoint: 'admin', operation: 'Backends', status: '200', plan: '' })! - before).toBe(1);
    expect(after.value('gatehouse_requests_total', { endpoint: 'admin', operation: '(none)', status: '401', plan: '' })).toBe(1);
    expect(after.family('process_cpu_user_seconds_total').type).toBe('counter');
    expect(after.family('nodejs_eventloop_lag_seconds').type).toBe('gauge');
    expect(after.family('gatehouse_request_duration_seconds').type).toBe('histogram');
  });

  it('shows the usage buffer: every /graphql request sent written once, nothing dropped', async () => {
    await gatehouse.gatehouse.usage.recorder.flush();
    const scraped = await scrape(`${gatehouse.url}/metrics`);
    // 14 single requests (the 401 and the parse failure included) and a batch of two.
    expect(scraped.value('gatehouse_usage_records_written_total')).toBe(16);
    expect(scraped.value('gatehouse_usage_buffer_records')).toBe(0);
    expect(scraped.value('gatehouse_usage_records_dropped_total')).toBe(0);
    expect(scraped.value('gatehouse_usage_write_failures_total')).toBe(0);
  });

  it('takes metrics other parts of Gatehouse register, read at every scrape', async () => {
    const hooks = gatehouse.gatehouse.metrics!;
    let depth = 7;
    let dropped = 0;
    hooks.registerGauge({ name: 'gatehouse_test_buffer_records', help: 'Records waiting.', read: () => depth });
    hooks.registerCounter({ name: 'gatehouse_test_dropped_total', help: 'Records dropped.', read: () => dropped });
    expect(() => hooks.registerGauge({ name: 'gatehouse_test_buffer_records', help: 'again', read: () => 0 })).toThrow(/registered already/);
    expect(() => hooks.registerGauge({ name: 'buffer', help: 'no prefix', read: () => 0 })).toThrow(/gatehouse_/);
    expect(() => hooks.registerCounter({ name: 'gatehouse_test_dropped', help: 'no _total', read: () => 0 })).toThrow(/_total/);
    let scraped = await scrape(`${gatehouse.url}/metrics`);
    // (prom-client's own event-loop gauges may read NaN between two samples of the loop; ours never do.)
    const ours = [...scraped.families.values()].filter((family) => family.name.startsWith('gatehouse_'));
    const notANumber = ours.flatMap((family) => family.samples).filter((sample) => Number.isNaN(sample.value));
    expect(notANumber).toEqual([]);
    expect(scraped.value('gatehouse_test_buffer_records')).toBe(7);
    expect(scraped.value('gatehouse_test_dropped_total')).toBe(0);
    expect(scraped.family('gatehouse_test_dropped_total').type).toBe('counter');
    depth = 2;
    dropped = 5;
    scraped = await scrape(`${gatehouse.url}/metrics`);
    expect(scraped.value('gatehouse_test_buffer_records')).toBe(2);
    expect(scraped.value('gatehouse_test_dropped_total')).toBe(5);
  });
});

describe('metrics settings', () => {
  let subgraph: RunningSubgraph;
  beforeAll(async () => {
    subgraph = await serveSubgraph(shopProducts);
  });
  afterAll(() => subgraph?.close());

  it('serves /metrics on its own port when GATEHOUSE_METRICS_PORT is set, and not on the main one', async () => {
    await using gatehouse = await startGatehouse({ backends: [{ name: 'shop-products', url: subgraph.url }], env: { GATEHOUSE_METRICS_PORT: '0' } });
    const metricsUrl = gatehouse.gatehouse.metricsUrl!;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(metricsUrl).not.toBe(gatehouse.url);
    await gatehouse.query(NAMES);
    const scraped = await scrape(`${metricsUrl}/metrics`);
    expect(scraped.value('gatehouse_requests_total', { endpoint: 'graphql', operation: 'Names', status: '200', plan: TEST_PLAN })).toBe(1);
    const main = await fetch(`${gatehouse.url}/metrics`);
    expect(main.status).toBe(404);
    expect((await fetch(`${metricsUrl}/graphql`)).status).toBe(404);
    expect((await fetch(`${metricsUrl}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('caps distinct operation names: later ones are counted as (other)', async () => {
    await using gatehouse = await startGatehouse({ backends: [{ name: 'shop-products', url: subgraph.url }], env: { GATEHOUSE_METRICS_MAX_OPERATIONS: '2' } });
    for (const name of ['First', 'Second', 'Third', 'Fourth', 'First']) {
      expect((await gatehouse.query(`query ${name} { topProducts { upc } }`)).status).toBe(200);
    }
    const scraped = await scrape(`${gatehouse.url}/metrics`);
    const operations = scraped.samples('gatehouse_requests_total', { endpoint: 'graphql' }).map((sample) => [sample.labels.operation, sample.value]);
    expect(Object.fromEntries(operations)).toEqual({ First: 2, Second: 1, '(other)': 2 });
  });

  it('GATEHOUSE_METRICS=false serves no /metrics', async () => {
    await using gatehouse = await startGatehouse({ env: { GATEHOUSE_METRICS: 'false' } });
    expect((await fetch(`${gatehouse.url}/metrics`)).status).toBe(404);
    expect(gatehouse.gatehouse.metrics).toBeUndefined();
  });

  it('counts the response cache statuses answers carry (x-gatehouse-cache)', async () => {
    const metrics = new Metrics({ owner: {} });
    for (const cache of ['HIT', 'HIT', 'MISS', 'BYPASS', 'STALE']) {
      const observation = createObservation({}, 'graphql', 0);
      observation.cacheStatus = cache;
      metrics.recordRequest(observation, 200, 1);
    }
    const { body } = await metrics.render();
    const scraped = parsePrometheusText(body);
    expect(Object.fromEntries(scraped.samples('gatehouse_response_cache_total').map((sample) => [sample.labels.status, sample.value]))).toEqual({ hit: 2, miss: 1, bypass: 1, other: 1 });
  });
});
