import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start as startQuestions, type RunningQuestionsService } from '../../subgraphs/questions/index.js';
import { questions } from '../../subgraphs/questions/data.js';
import { prices, start as startPricing, type RunningPricingService } from '../../subgraphs/rest-pricing/index.js';
import { freshDataDir, REGISTER_BACKEND, startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';

describe('a graph of only REST and plain GraphQL backends (no federation subgraph)', () => {
  let qa: RunningQuestionsService;
  let pricing: RunningPricingService;
  let gatehouse: RunningGatehouse;
  let dataDir: string;

  beforeAll(async () => {
    [qa, pricing] = await Promise.all([startQuestions(), startPricing()]);
    dataDir = await freshDataDir();
    gatehouse = await startGatehouse({ dataDir });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([qa?.close(), pricing?.close(), rm(dataDir, { recursive: true, force: true })]);
  });

  it('serves and costs them like any other graph, survives a restart, and empties when they are removed', async () => {
    for (const input of [
      { name: 'qa', kind: 'GRAPHQL', url: qa.url },
      { name: 'pricing', kind: 'OPENAPI', url: pricing.url, openapi: pricing.openapiUrl },
    ]) {
      const registered = await gatehouse.admin(REGISTER_BACKEND, { input });
      expect(registered.body.errors).toBeUndefined();
    }
    const result = await gatehouse.query('{ questions(productUpc: "1") { id } pricing_getPrice(sku: "1") { amount } }', undefined, {
      'x-gatehouse-cost': 'true',
    });
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      questions: questions.filter((q) => q.productUpc === '1').map(({ id }) => ({ id })),
      pricing_getPrice: { amount: prices.get('1')!.amount },
    });
    expect(result.body.extensions?.cost).toMatchObject({ estimated: expect.any(Number) });
    expect((await fetch(`${gatehouse.url}/readyz`)).status).toBe(200);

    // After a restart the graph is rebuilt from the stored SDL and OpenAPI document alone.
    await gatehouse.close();
    gatehouse = await startGatehouse({ dataDir });
    const again = await gatehouse.query('{ questions(productUpc: "1") { id } pricing_getPrice(sku: "1") { amount } }');
    expect(again.body).toEqual({ data: result.body.data });

    for (const name of ['qa', 'pricing']) {
      expect((await gatehouse.admin(`mutation { removeBackend(name: "${name}") { removed } }`)).body.errors).toBeUndefined();
    }
    expect((await gatehouse.query('{ __typename }')).status).toBe(503);
    expect((await fetch(`${gatehouse.url}/readyz`)).status).toBe(503);
  });
});
