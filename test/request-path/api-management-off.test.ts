import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { catalog } from '../gateway/fixtures.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';

const QUERY = '{ products { upc name } }';
const ANSWER = {
  data: {
    products: [
      { upc: 'p1', name: 'Table' },
      { upc: 'p2', name: 'Couch' },
      { upc: 'p3', name: 'Chair' },
    ],
  },
};

describe('GATEHOUSE_API_MANAGEMENT=false', () => {
  let subgraph: RunningSubgraph;
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    subgraph = await serveSubgraph(catalog);
    // No anonymous plan: with API management on, every request below would need a key.
    gatehouse = await startGatehouse({
      backends: [{ name: 'catalog', url: subgraph.url }],
      anonymousAccess: false,
      env: { GATEHOUSE_API_MANAGEMENT: 'false' },
    });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await subgraph?.close();
  });

  it('serves a query sent without credentials', async () => {
    const response = await gatehouse.query(QUERY);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(ANSWER);
  });

  it('ignores an API key, even an unknown one: nothing authenticates', async () => {
    const response = await gatehouse.query(QUERY, undefined, { 'x-api-key': 'gh_live_unknown0_notakey' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(ANSWER);
  });

  it('prices nothing: x-gatehouse-cost adds no cost extension', async () => {
    const response = await gatehouse.query(QUERY, undefined, { 'x-gatehouse-cost': 'true' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(ANSWER);
    expect(response.body.extensions).toBeUndefined();
  });

  it('keeps the hard document limits', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: products { upc }`).join(' ');
    const response = await gatehouse.query(`{ ${aliases} }`);
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases' });
  });

  it('keeps CSRF prevention: a plain GET without a preflight header is refused', async () => {
    const response = await fetch(`${gatehouse.url}/graphql?query=${encodeURIComponent(QUERY)}`, { headers: { accept: 'application/json' } });
    await response.arrayBuffer();
    expect(response.status).toBe(400);
  });
});
