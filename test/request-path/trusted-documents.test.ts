import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { consumerWithPlan, postRaw, shop } from './fixtures.js';

const PRODUCT = 'query Product($upc: ID!) { product(upc: $upc) { name } }';
const EXPENSIVE = '{ expensive }';
const hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

interface Body {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

describe('trusted documents', () => {
  let subgraph: RunningSubgraph;
  let gatehouse: RunningGatehouse;
  let locked: Record<string, string>;

  beforeAll(async () => {
    subgraph = await serveSubgraph(shop);
    gatehouse = await startGatehouse({ backends: [{ name: 'shop', url: subgraph.url }] });
    locked = await consumerWithPlan(gatehouse, 'locked', { trustedDocumentsOnly: true });
    const added = await gatehouse.admin<{ addTrustedDocuments: string[] }>('mutation($d: [String!]!) { addTrustedDocuments(documents: $d) }', {
      d: [PRODUCT, EXPENSIVE],
    });
    expect(added.body.data?.addTrustedDocuments).toEqual([`sha256:${hex(PRODUCT)}`, `sha256:${hex(EXPENSIVE)}`]);
  });
  afterAll(async () => {
    await gatehouse?.close();
    await subgraph?.close();
  });

  async function send(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Body }> {
    const response = await postRaw(gatehouse, body, headers);
    return { status: response.status, body: (await response.json()) as Body };
  }

  const table = { data: { product: { name: 'Table' } } };

  it('runs a registered document sent as text', async () => {
    expect(await send({ query: PRODUCT, variables: { upc: 'p1' } }, locked)).toEqual({ status: 200, body: table });
  });

  it('refuses any other text before parsing, with PERSISTED_QUERY_NOT_FOUND', async () => {
    const before = subgraph.requestCount;
    for (const query of [
      '{ product(upc: "p1") { name } }',
      // Not the exact text: one more space.
      PRODUCT.replace('{ name }', '{  name }'),
      // Not even GraphQL: refused as untrusted, not as a parse error.
      '{ this is not graphql',
    ]) {
      const refused = await send({ query, variables: { upc: 'p1' } }, locked);
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    }
    // A registered id sent with a different text doesn't make the text trusted.
    const smuggled = await send(
      { query: '{ hundred }', extensions: { persistedQuery: { version: 1, sha256Hash: hex(EXPENSIVE) } } },
      locked,
    );
    expect(smuggled.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(subgraph.requestCount).toBe(before);
  });

  it('runs a registered document named by id only: Apollo persisted query or Hive documentId', async () => {
    const ids: unknown[] = [
      { extensions: { persistedQuery: { version: 1, sha256Hash: hex(PRODUCT) } } },
      { documentId: `sha256:${hex(PRODUCT)}` },
      { documentId: hex(PRODUCT) },
      { documentId: `shop-web~1.2.0~${hex(PRODUCT)}` },
    ];
    for (const id of ids) {
      expect(await send({ ...(id as object), variables: { upc: 'p1' } }, locked)).toEqual({ status: 200, body: table });
    }
    const get = await fetch(
      `${gatehouse.url}/graphql?variables=${encodeURIComponent(JSON.stringify({ upc: 'p1' }))}&extensions=${encodeURIComponent(
        JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hex(PRODUCT) } }),
      )}`,
      { headers: { ...locked, accept: 'application/json', 'apollo-require-preflight': 'true' } },
    );
    expect(await get.json()).toEqual(table);
  });

  it('refuses an unknown id for every plan; other plans may still send any text', async () => {
    const unknown = { extensions: { persistedQuery: { version: 1, sha256Hash: hex('{ nothing }') } } };
    for (const headers of [locked, {}]) {
      const refused = await send(unknown, headers);
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    }
    // The anonymous test plan is not limited to trusted documents.
    expect(await send({ query: '{ product(upc: "p2") { name } }' })).toEqual({ status: 200, body: { data: { product: { name: 'Couch' } } } });
    expect(await send({ documentId: `sha256:${hex(EXPENSIVE)}` })).toEqual({ status: 200, body: { data: { expensive: 1 } } });
  });
});
