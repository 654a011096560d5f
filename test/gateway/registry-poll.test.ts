import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServedGraph } from '../../src/graph/generation.js';
import { Registry } from '../../src/graph/registry.js';
import { createLogger } from '../../src/log.js';
import { createGuardedAgent } from '../../src/net/guarded-agent.js';
import { openStore, type Store } from '../../src/store/index.js';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse } from '../helpers/gatehouse.js';
import { eventually } from '../helpers/wait.js';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from '../store/engines.js';
import { catalog, stock } from './fixtures.js';

/**
 * Writes that no instance hears of, as when a notification is lost: a registry of its own on the
 * same schema, with no change feed, writes straight to the store. Only the version check finds them.
 */
describe('a registry write nobody announced', () => {
  const schema = uniqueSchemaName();
  const env = { GATEHOUSE_DATABASE_URL: testDatabaseUrl, GATEHOUSE_DATABASE_SCHEMA: schema };
  const log = createLogger('silent');
  const dispatcher = createGuardedAgent({ allowPrivate: true });
  let subgraphs: RunningSubgraph[];
  let store: Store;
  let silent: Registry;

  beforeAll(async () => {
    subgraphs = await Promise.all([serveSubgraph(catalog), serveSubgraph(stock)]);
    store = await openStore({ engine: 'postgres', connectionString: testDatabaseUrl, schema });
    silent = new Registry({
      store,
      served: new ServedGraph(),
      runtime: { dispatcher, log, defaultTimeoutMs: 5_000, maxResponseBytes: 1_048_576, maxDocumentBytes: 1_048_576 },
      log,
    });
  });
  afterAll(async () => {
    await store?.close();
    await dispatcher.close();
    await Promise.all(subgraphs?.map((subgraph) => subgraph.close()) ?? []);
    await dropSchema(schema);
  });

  async function writeSilently(index: number): Promise<number> {
    const { name, url } = subgraphs[index]!;
    const outcome = await silent.register({ name, kind: 'FEDERATION_SUBGRAPH', url, headers: {}, forwardHeaders: [], timeoutMs: null, maxResponseBytes: null, fields: {} });
    if (!outcome.ok) throw new Error(`registering ${name} failed: ${JSON.stringify(outcome.refusal)}`);
    return outcome.value.schema.version;
  }

  it('is served after the next version check, rebuilt from the stored backends', async () => {
    // An hour between checks: nothing but the explicit check below can pick the write up.
    await using gatehouse = await startGatehouse({ env: { ...env, GATEHOUSE_REGISTRY_POLL_MS: '3600000' } });
    const version = await writeSilently(0);
    expect(gatehouse.gatehouse.served.version).toBeLessThan(version);
    expect((await gatehouse.query('{ products { name } }')).status).toBe(503);

    await gatehouse.gatehouse.syncRegistry!();
    expect(gatehouse.gatehouse.served.version).toBe(version);
    const products = await gatehouse.query<{ products: Array<{ name: string }> }>('{ products { name } }');
    expect(products.body).toEqual({ data: { products: [{ name: 'Table' }, { name: 'Couch' }, { name: 'Chair' }] } });
    const readiness = await (await fetch(`${gatehouse.url}/readyz`)).json();
    expect(readiness).toEqual({ status: 'ready', version });
  });

  it('is found by the periodic check (GATEHOUSE_REGISTRY_POLL_MS) without anyone asking', async () => {
    await using gatehouse = await startGatehouse({ env: { ...env, GATEHOUSE_REGISTRY_POLL_MS: '50' } });
    const version = await writeSilently(1);
    await eventually(async () => gatehouse.gatehouse.served.version, (served) => served === version, { timeoutMs: 5_000, what: `version ${version} served` });
    const stocked = await gatehouse.query<{ products: Array<{ stock: number }> }>('{ products { stock } }');
    expect(stocked.body).toEqual({ data: { products: [{ stock: 20 }, { stock: 20 }, { stock: 20 }] } });
  });
});
