import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { REGISTER_BACKEND, startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { catalog, greeter, products } from './fixtures.js';

describe('live recomposition under load', () => {
  let gatehouse: RunningGatehouse;
  const subgraphs: RunningSubgraph[] = [];

  beforeAll(async () => {
    subgraphs.push(await serveSubgraph(catalog), await serveSubgraph(greeter));
    gatehouse = await startGatehouse({ backends: [{ name: 'catalog', url: subgraphs[0]!.url }] });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
  });

  it('answers every query while 20 registrations and removals happen in a row', async () => {
    let writing = true;
    const answers: Array<{ status: number; ok: boolean; detail: string }> = [];

    // Four clients query continuously; each query only selects fields present in every version.
    const clients = Array.from({ length: 4 }, async () => {
      while (writing) {
        const result = await gatehouse.query('{ products { upc name } }');
        const ok = result.status === 200 && result.body.errors === undefined && JSON.stringify(result.body.data) === JSON.stringify({ products });
        answers.push({ status: result.status, ok, detail: ok ? '' : JSON.stringify(result.body) });
      }
    });

    const versions: number[] = [];
    for (let i = 0; i < 10; i++) {
      const registered = await gatehouse.admin<{ registerBackend: { schema: { version: number } } }>(REGISTER_BACKEND, {
        input: { name: 'greeter', kind: 'FEDERATION_SUBGRAPH', url: subgraphs[1]!.url },
      });
      expect(registered.body.errors).toBeUndefined();
      versions.push(registered.body.data!.registerBackend.schema.version);
      const greeting = await gatehouse.query('{ greeting }');
      expect(greeting.body).toEqual({ data: { greeting: 'hello' } });

      const removed = await gatehouse.admin<{ removeBackend: { schema: { version: number } } }>(
        'mutation { removeBackend(name: "greeter") { schema { version } } }',
      );
      expect(removed.body.errors).toBeUndefined();
      versions.push(removed.body.data!.removeBackend.schema.version);
    }
    writing = false;
    await Promise.all(clients);

    expect(versions).toHaveLength(20);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((answer) => !answer.ok)).toEqual([]);
  });

  it('lets a query that started on the old schema finish on it', async () => {
    // A slow subgraph keeps a query in flight while the backend it uses is removed.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    const slow = await serveSubgraph({
      name: 'slow',
      typeDefs: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"]) type Query { slowField: String! }',
      resolvers: { Query: { slowField: async () => (entered(), await gate, 'finished') } },
    });
    try {
      const registered = await gatehouse.admin(REGISTER_BACKEND, { input: { name: 'slow', kind: 'FEDERATION_SUBGRAPH', url: slow.url } });
      expect(registered.body.errors).toBeUndefined();
      const inFlight = gatehouse.query('{ slowField }');
      await started;
      const removed = await gatehouse.admin('mutation { removeBackend(name: "slow") { removed } }');
      expect(removed.body.errors).toBeUndefined();
      const afterRemoval = await gatehouse.query('{ slowField }');
      expect(afterRemoval.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      release();
      expect((await inFlight).body).toEqual({ data: { slowField: 'finished' } });
    } finally {
      release();
      await slow.close();
    }
  });
});
