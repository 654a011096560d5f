import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';

describe('in-flight deduplication of identical subgraph queries', () => {
  let subgraph: RunningSubgraph;
  let gatehouse: RunningGatehouse;
  let release: () => void = () => {};
  let calls = 0;

  beforeAll(async () => {
    subgraph = await serveSubgraph({
      name: 'slow',
      typeDefs: /* GraphQL */ `
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { answer: Int! }
        type Mutation { bump: Int! }
      `,
      resolvers: {
        // Held until the test releases it, so concurrent requests are really in flight together.
        Query: { answer: () => new Promise<number>((resolve) => (release = () => resolve(42))) },
        Mutation: { bump: () => ++calls },
      },
    });
    gatehouse = await startGatehouse({ backends: [{ name: 'slow', url: subgraph.url }] });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await subgraph?.close();
  });

  async function untilSubgraphCount(count: number): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (subgraph.requestCount < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  it('sends one request for identical concurrent queries and answers each client', async () => {
    const before = subgraph.requestCount;
    const pending = Array.from({ length: 5 }, () => gatehouse.query('{ answer }'));
    await untilSubgraphCount(before + 1);
    // Give the other four a moment to arrive: they must join the first request, not start their own.
    await new Promise((r) => setTimeout(r, 100));
    release();
    const results = await Promise.all(pending);
    for (const result of results) expect(result.body).toEqual({ data: { answer: 42 } });
    expect(subgraph.requestCount - before).toBe(1);
  });

  it('never shares mutations', async () => {
    const before = subgraph.requestCount;
    const results = await Promise.all([gatehouse.query('mutation { bump }'), gatehouse.query('mutation { bump }')]);
    expect(results.map((r) => (r.body.data as { bump: number }).bump).sort()).toEqual([1, 2]);
    expect(subgraph.requestCount - before).toBe(2);
  });
});
