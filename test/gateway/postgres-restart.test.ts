import { describe, expect, it } from 'vitest';
import { serveSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouseProcess, type GatehouseProcess } from '../helpers/gatehouse-process.js';
import { REGISTER_BACKEND, type GraphQLResponse } from '../helpers/gatehouse.js';
import { startOwnPostgres } from '../helpers/own-postgres.js';
import { eventually } from '../helpers/wait.js';
import { catalog, stock } from './fixtures.js';

const CREATE_PLAN = /* GraphQL */ `mutation($input: CreatePlanInput!) { createPlan(input: $input) { name } }`;
type Registered = { registerBackend: { schema: { version: number } } };

/** Queries sent without pause through every instance, `concurrency` at a time, until stopped. */
function startLoad(instances: GatehouseProcess[], { concurrency, isStoreDown }: { concurrency: number; isStoreDown: () => boolean }) {
  let stopped = false;
  let succeeded = 0;
  let succeededWhileDown = 0;
  const failures: string[] = [];
  const worker = async (index: number) => {
    // Bounded: a load that never stops must not outlive a failing test.
    for (let sent = 0; !stopped && sent < 20_000; sent++) {
      const instance = instances[(index + sent) % instances.length]!;
      const down = isStoreDown();
      try {
        const response = await instance.query<{ products: Array<{ name: string }> }>('{ products { name } }');
        if (response.status === 200 && response.body.data?.products.length === 3 && !response.body.errors) {
          succeeded++;
          if (down && isStoreDown()) succeededWhileDown++;
        } else failures.push(`${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
  };
  const running = Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  return {
    get succeeded() {
      return succeeded;
    },
    get succeededWhileDown() {
      return succeededWhileDown;
    },
    async stop() {
      stopped = true;
      await running;
      return { succeeded, succeededWhileDown, failures };
    },
  };
}

function codesOf(response: GraphQLResponse<unknown>): unknown[] {
  return (response.body.errors ?? []).map((error) => error.extensions?.code);
}

// Fast shutdown (clients told, committed work flushed) and immediate shutdown (a crash: recovery from the WAL).
describe.each([
  { signal: 'SIGINT', how: 'fast shutdown' },
  { signal: 'SIGQUIT', how: 'immediate shutdown (crash)' },
] as const)('PostgreSQL restarted under load: $how', ({ signal }) => {
  it('keeps serving the last schema, refuses admin operations with STORE_UNAVAILABLE while down, loses nothing acknowledged, and converges again', async ({ annotate }) => {
    await using postgres = await startOwnPostgres();
    await using catalogSubgraph = await serveSubgraph(catalog);
    await using stockSubgraph = await serveSubgraph(stock);
    const env = {
      GATEHOUSE_DATABASE_URL: postgres.url,
      // A minute between version checks: after the restart, only the feed can bring B's write to A.
      GATEHOUSE_REGISTRY_POLL_MS: '60000',
      // Lookups expire every 50 ms, so queries during the outage run on entries the store could not refresh.
      GATEHOUSE_API_KEY_CACHE_TTL_MS: '50',
    };
    await using a = await startGatehouseProcess(env);
    await using b = await startGatehouseProcess(env);

    const registered = await a.admin<Registered>(REGISTER_BACKEND, { input: { name: 'catalog', kind: 'FEDERATION_SUBGRAPH', url: catalogSubgraph.url } });
    expect(registered.body.errors).toBeUndefined();
    const servedVersion = registered.body.data!.registerBackend.schema.version;
    await eventually(() => b.servedVersion(), (version) => version === servedVersion, { timeoutMs: 1_000 });

    let storeDown = false;
    const load = startLoad([a, b], { concurrency: 4, isStoreDown: () => storeDown });

    // Admin writes, one after the other through both instances, until the server goes away.
    const acknowledged: string[] = [];
    const writeFailures: unknown[][] = [];
    let writing = true;
    const writer = (async () => {
      for (let index = 0; writing && index < 10_000; index++) {
        const response = await [a, b][index % 2]!.admin(CREATE_PLAN, { input: { name: `plan-${index}` } });
        if (response.body.errors) writeFailures.push(codesOf(response));
        else acknowledged.push(`plan-${index}`);
      }
    })();
    await eventually(async () => acknowledged.length, (count) => count >= 10, { what: '10 acknowledged writes' });

    await postgres.stop(signal);
    storeDown = true;
    writing = false;
    await writer;

    // While it is down: every admin operation says so, and nothing about the connection.
    for (const instance of [a, b]) {
      for (const response of [
        await instance.admin(CREATE_PLAN, { input: { name: 'while-down' } }),
        await instance.admin<Registered>(REGISTER_BACKEND, { input: { name: 'stock', kind: 'FEDERATION_SUBGRAPH', url: stockSubgraph.url } }),
        await instance.admin('{ schema { version } }'),
      ]) {
        // A field error, as other admin errors: HTTP 200, the code, the field, and nothing else.
        expect(response.status).toBe(200);
        expect(response.body.errors).toHaveLength(1);
        expect(response.body.errors![0]).toMatchObject({ message: 'The store cannot be reached right now; retry once it is back.', path: [expect.any(String)] });
        expect(response.body.errors![0]!.extensions).toEqual({ code: 'STORE_UNAVAILABLE' });
        const text = JSON.stringify(response.body);
        for (const leak of ['ECONNREFUSED', String(postgres.port), '127.0.0.1', 'postgres', 'select', 'insert']) expect(text).not.toContain(leak);
      }
      expect(await instance.servedVersion()).toBe(servedVersion);
    }
    // Writes cut off by the shutdown failed the same way, never otherwise.
    expect(writeFailures.flat().every((code) => code === 'STORE_UNAVAILABLE')).toBe(true);
    // Queries go on meanwhile, on lookups that expired while the store was away.
    await eventually(async () => load.succeededWhileDown, (count) => count >= 100, { timeoutMs: 30_000, what: '100 queries served while PostgreSQL is down' });

    await postgres.start();
    storeDown = false;

    // Writes work again as soon as it is back (pooled connections to the old server were dropped).
    let attempt = 0;
    await eventually(
      async () => codesOf(await a.admin(CREATE_PLAN, { input: { name: `after-restart-${attempt++}` } })),
      (codes) => codes.length === 0,
      { timeoutMs: 10_000, what: 'an admin write succeeding after the restart' },
    );
    // Every write acknowledged before the stop is there.
    const plans = await b.admin<{ plans: Array<{ name: string }> }>('{ plans { name } }');
    expect(plans.body.errors).toBeUndefined();
    expect(plans.body.data!.plans.map((plan) => plan.name)).toEqual(expect.arrayContaining(acknowledged));

    // Each feed found the server again by itself; a write on B then reaches A through it at once.
    await Promise.all([a.waitForOutput('change feed reconnected'), b.waitForOutput('change feed reconnected')]);
    const added = await b.admin<Registered>(REGISTER_BACKEND, { input: { name: 'stock', kind: 'FEDERATION_SUBGRAPH', url: stockSubgraph.url } });
    expect(added.body.errors).toBeUndefined();
    const version = added.body.data!.registerBackend.schema.version;
    await eventually(() => a.servedVersion(), (served) => served === version, { timeoutMs: 1_000, what: `A serving version ${version}` });
    expect((await a.query('{ products { stock } }')).body.errors).toBeUndefined();

    const { succeeded, succeededWhileDown, failures } = await load.stop();
    expect(failures).toEqual([]);
    expect(succeeded).toBeGreaterThan(succeededWhileDown);
    await annotate(
      `queries: ${succeeded} served, ${succeededWhileDown} while down, 0 failed; writes: ${acknowledged.length} acknowledged before the stop (all kept), ${writeFailures.length} cut off (STORE_UNAVAILABLE)`,
    );
  }, 120_000);
});
