import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from '../store/engines.js';
import { catalog, stock } from './fixtures.js';

const UPDATE = /* GraphQL */ `mutation Update($input: UpdateBackendInput!) { updateBackend(input: $input) { changed } }`;
const BACKEND = /* GraphQL */ `query Backend($name: String!) { backend(name: $name) { timeoutMs headerNames } }`;

/** Two Gatehouse instances on one PostgreSQL schema: several connections, so lost updates would show. */
describe('registry writes on PostgreSQL from two instances', () => {
  const schema = uniqueSchemaName();
  let subgraphs: RunningSubgraph[];
  let first: RunningGatehouse;
  let second: RunningGatehouse;

  beforeAll(async () => {
    subgraphs = await Promise.all([serveSubgraph(catalog), serveSubgraph(stock)]);
    const env = { GATEHOUSE_DATABASE_URL: testDatabaseUrl, GATEHOUSE_DATABASE_SCHEMA: schema, GATEHOUSE_SCHEMA_VERSIONS_KEPT: '5' };
    first = await startGatehouse({ env, backends: subgraphs.map(({ name, url }) => ({ name, url })) });
    second = await startGatehouse({ env });
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await Promise.all(subgraphs?.map((subgraph) => subgraph.close()) ?? []);
    await dropSchema(schema);
  });

  it('keeps both of two concurrent updates of different fields of one backend', async () => {
    for (let round = 1; round <= 10; round++) {
      const [timeout, headers] = await Promise.all([
        first.admin(UPDATE, { input: { name: 'stock', timeoutMs: 1000 + round } }),
        second.admin(UPDATE, { input: { name: 'stock', headers: [{ name: `x-round-${round}`, value: 'secret' }] } }),
      ]);
      expect(timeout.body.errors).toBeUndefined();
      expect(headers.body.errors).toBeUndefined();
      const stored = await first.admin<{ backend: { timeoutMs: number; headerNames: string[] } }>(BACKEND, { name: 'stock' });
      expect(stored.body.data?.backend).toEqual({ timeoutMs: 1000 + round, headerNames: [`x-round-${round}`] });
    }
  });

  it('keeps only the newest GATEHOUSE_SCHEMA_VERSIONS_KEPT schema versions', async () => {
    const versions = await first.admin<{ schemaVersions: Array<{ version: number }>; schema: { version: number } }>(
      '{ schemaVersions(limit: 100) { version } schema { version } }',
    );
    const latest = versions.body.data!.schema.version;
    expect(latest).toBeGreaterThan(5);
    expect(versions.body.data!.schemaVersions.map((entry) => entry.version)).toEqual([latest, latest - 1, latest - 2, latest - 3, latest - 4]);
  });

  it('serialises registrations racing on both instances: both are stored, in one final version', async () => {
    const registrations = await Promise.all(
      [first, second].map((gatehouse, index) =>
        gatehouse.admin('mutation R($input: RegisterBackendInput!) { registerBackend(input: $input) { schema { version backends } } }', {
          input: { name: `greeter-${index}`, kind: 'FEDERATION_SUBGRAPH', url: subgraphs[0]!.url, sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"]) type Query { greeting${index}: String }` },
        }),
      ),
    );
    for (const registration of registrations) expect(registration.body.errors).toBeUndefined();
    const final = await second.admin<{ schema: { backends: string[] } }>('{ schema { backends } }');
    expect(final.body.data?.schema.backends).toEqual(expect.arrayContaining(['catalog', 'stock', 'greeter-0', 'greeter-1']));
  });
});
