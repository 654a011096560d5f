import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { startCatalog, usageOf } from '../usage/fixtures.js';
import { cacheStatus, setCachePolicy } from './cache-fixtures.js';
import { postRaw } from './fixtures.js';

describe('usage recording on the request path', () => {
  let subgraphs: Awaited<ReturnType<typeof startCatalog>>;
  let gatehouse: RunningGatehouse;
  let bare: RunningGatehouse;

  beforeAll(async () => {
    subgraphs = await startCatalog();
    const backends = [
      { name: 'catalog', url: subgraphs.catalog.url },
      { name: 'stock', url: subgraphs.stock.url },
    ];
    gatehouse = await startGatehouse({ backends });
    bare = await startGatehouse({ backends, env: { GATEHOUSE_API_MANAGEMENT: 'false' } });
  });

  afterAll(async () => {
    await gatehouse?.close();
    await bare?.close();
    await subgraphs?.close();
  });

  const recorded = async (target: RunningGatehouse) => {
    await target.gatehouse.usage.recorder.flush();
    return (await usageOf(target, { groupBy: ['CONSUMER', 'OPERATION', 'ERROR_CODE'] })).buckets.map((bucket) => ({
      consumer: bucket.consumer,
      operation: bucket.operation,
      errorCode: bucket.errorCode,
      requests: bucket.requests,
    }));
  };

  it('records each operation of a batch with its own outcome, and no GraphiQL page', async () => {
    const batch = await postRaw(gatehouse, [
      { query: 'query First { products(first: 1) { name } }' },
      { query: 'query Second { products(first: 1) { nope } }' },
    ]);
    expect(batch.status).toBe(200);
    const page = await fetch(`${gatehouse.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    await page.text();
    expect(await recorded(gatehouse)).toEqual(
      expect.arrayContaining([
        { consumer: 'anonymous', operation: 'First', errorCode: null, requests: 1 },
        { consumer: 'anonymous', operation: 'Second', errorCode: 'GRAPHQL_VALIDATION_FAILED', requests: 1 },
      ]),
    );
    // The test set-up's own admin traffic is not /graphql; the page was not an operation.
    expect((await recorded(gatehouse)).reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(2);
  });

  it('records the backends an operation called, and its duration', async () => {
    await gatehouse.query('query Stocked { products(first: 2) { name inStock } }');
    await gatehouse.gatehouse.usage.recorder.flush();
    const calls = await usageOf(gatehouse, { filter: { operation: 'Stocked' }, groupBy: ['BACKEND'] });
    expect(calls.buckets.map((bucket) => [bucket.backend, bucket.requests, bucket.errors])).toEqual([
      ['catalog', 1, 0],
      ['stock', 1, 0],
    ]);
    const [whole] = (await usageOf(gatehouse, { filter: { operation: 'Stocked' } })).buckets;
    // The request took at least as long as both calls, which ran one after the other.
    expect(whole!.latency.p50).toBeGreaterThanOrEqual(calls.buckets.reduce((sum, bucket) => sum + bucket.latency.p50!, 0));
  });

  it('records without a consumer or cost when API management is off', async () => {
    await bare.query('query Bare { products(first: 1) { name } }');
    expect(await recorded(bare)).toEqual([{ consumer: null, operation: 'Bare', errorCode: null, requests: 1 }]);
    const [bucket] = (await usageOf(bare, {})).buckets;
    expect(bucket).toMatchObject({ requests: 1, costSum: 0 });
  });

  it('counts the operations the response cache answered, each operation of a batch on its own', async () => {
    await setCachePolicy(gatehouse, 'Query.featured', 60);
    const cached = 'query Featured { featured { name } }';
    expect(cacheStatus(await gatehouse.query(cached))).toBe('MISS');
    expect(cacheStatus(await gatehouse.query(cached))).toBe('HIT');
    // A hit and an uncacheable operation in one batch: the response as a whole is not a hit.
    const batch = await postRaw(gatehouse, [{ query: cached }, { query: 'query Listed { products(first: 1) { name } }' }]);
    expect(batch.status).toBe(200);
    await gatehouse.gatehouse.usage.recorder.flush();
    const byOperation = await usageOf(gatehouse, { filter: { operation: 'Featured' } });
    expect(byOperation.buckets.map((bucket) => [bucket.requests, bucket.cacheHits])).toEqual([[3, 2]]);
    const listed = await usageOf(gatehouse, { filter: { operation: 'Listed' } });
    expect(listed.buckets.map((bucket) => [bucket.requests, bucket.cacheHits])).toEqual([[1, 0]]);
  });
});
