import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalChangeFeed } from '../../src/cluster/change-feed.js';
import { accountsSubgraph } from '../../subgraphs/index.js';
import { serveSubgraph, type RunningSubgraph, type SubgraphDefinition } from '../../subgraphs/lib/serve.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { startJwtIssuer, type JwtIssuer } from '../helpers/jwt-issuer.js';
import { cacheShop, cacheStatus, purge, SET_POLICY, setCachePolicy, type CacheShop } from './cache-fixtures.js';
import { consumerAdmin } from './consumers.js';
import { consumerWithPlan } from './fixtures.js';

describe('response cache (in memory)', () => {
  let shop: CacheShop;
  let shopServer: RunningSubgraph;
  let accounts: RunningSubgraph;
  let issuer: JwtIssuer;
  let gatehouse: RunningGatehouse;
  const keys: Record<string, string> = {};

  const asConsumer = (name: string, query: string) => gatehouse.query(query, undefined, { 'x-api-key': keys[name]! });
  const withScopes = async (sub: string, scope: string, query: string) =>
    gatehouse.query(query, undefined, { authorization: `Bearer ${await issuer.sign({ sub, scope })}` });

  beforeAll(async () => {
    shop = cacheShop();
    [shopServer, accounts, issuer] = await Promise.all([serveSubgraph(shop), serveSubgraph(accountsSubgraph), startJwtIssuer()]);
    gatehouse = await startGatehouse({
      env: issuer.env,
      backends: [
        { name: 'shop', url: shopServer.url },
        { name: 'accounts', url: accounts.url },
      ],
    });
    const admin = consumerAdmin(gatehouse);
    await admin.createPlan('member');
    // Named like example users: the accounts subgraph's `me` answers with that user.
    for (const name of ['alice', 'bkowalski', 'reader', 'stranger']) {
      await admin.createConsumer(name, 'member');
      keys[name] = (await admin.issueKey(name)).key;
    }
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([shopServer?.close(), accounts?.close(), issuer?.close()]);
  });

  it('answers a MISS, then a HIT from the cache without asking the subgraph, with Cache-Control and Age', async () => {
    const query = '{ product(upc: "p1") { upc name } }';
    const miss = await gatehouse.query(query);
    expect(miss.body).toEqual({ data: { product: { upc: 'p1', name: 'Table' } } });
    expect(cacheStatus(miss)).toBe('MISS');
    // Query.product's own 60 s wins over Product's 120 s.
    expect(miss.headers.get('cache-control')).toBe('max-age=60, public');

    const before = shopServer.requestCount;
    const hit = await gatehouse.query(query);
    expect(hit.body).toEqual(miss.body);
    expect(cacheStatus(hit)).toBe('HIT');
    expect(hit.headers.get('cache-control')).toBe('max-age=60, public');
    expect(Number(hit.headers.get('age'))).toBeGreaterThanOrEqual(0);
    expect(shopServer.requestCount).toBe(before);
  });

  it('takes the lowest maxAge of the fields selected', async () => {
    const miss = await gatehouse.query('{ products { upc stock } }');
    expect(cacheStatus(miss)).toBe('MISS');
    expect(miss.headers.get('cache-control')).toBe('max-age=30, public');
  });

  it('caches nothing without a hint or policy (BYPASS, no-store), and a policy set through the admin API turns it on', async () => {
    const query = '{ reviews { body } }';
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await gatehouse.query(query);
      expect(cacheStatus(response)).toBe('BYPASS');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    // A composite field without a hint is 0 unless its type has one: `Review` gets one here.
    await setCachePolicy(gatehouse, 'Review', 15);
    expect(cacheStatus(await gatehouse.query(query))).toBe('MISS');
    const hit = await gatehouse.query(query);
    expect(cacheStatus(hit)).toBe('HIT');
    expect(hit.headers.get('cache-control')).toBe('max-age=15, public');

    const listed = await gatehouse.admin('{ cachePolicies { coordinate maxAge scope } }');
    expect(listed.body.data).toEqual({ cachePolicies: [{ coordinate: 'Review', maxAge: 15, scope: 'PUBLIC' }] });

    const removed = await gatehouse.admin('mutation { removeCachePolicy(coordinate: "Review") }');
    expect(removed.body.data).toEqual({ removeCachePolicy: 'Review' });
    expect(cacheStatus(await gatehouse.query(query))).toBe('BYPASS');
  });

  it('lets an admin policy override a subgraph hint, and answers under the new one at once', async () => {
    const query = '{ product(upc: "p2") { name } }';
    expect(cacheStatus(await gatehouse.query(query))).toBe('MISS');
    expect(cacheStatus(await gatehouse.query(query))).toBe('HIT');
    await setCachePolicy(gatehouse, 'Query.product', 0);
    expect(cacheStatus(await gatehouse.query(query))).toBe('BYPASS');
    await setCachePolicy(gatehouse, 'Query.product', 5);
    const miss = await gatehouse.query(query);
    expect(cacheStatus(miss)).toBe('MISS');
    expect(miss.headers.get('cache-control')).toBe('max-age=5, public');
    await gatehouse.admin('mutation { removeCachePolicy(coordinate: "Query.product") }');
  });

  it('never caches an answer with errors', async () => {
    const before = shopServer.requestCount;
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await gatehouse.query('{ flaky }');
      expect(response.body.errors?.length).toBe(1);
      expect(cacheStatus(response)).toBe('MISS');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    expect(shopServer.requestCount - before).toBe(2);
  });

  it('caches PRIVATE answers per consumer: each gets its own, an anonymous caller none', async () => {
    await setCachePolicy(gatehouse, 'Query.me', 60, 'PRIVATE');
    const query = '{ me { username name } }';
    const alice = await asConsumer('alice', query);
    expect(alice.body).toEqual({ data: { me: { username: 'alice', name: 'Alice Moreau' } } });
    expect(cacheStatus(alice)).toBe('MISS');
    expect(alice.headers.get('cache-control')).toBe('max-age=60, private');

    const bartosz = await asConsumer('bkowalski', query);
    expect(bartosz.body).toEqual({ data: { me: { username: 'bkowalski', name: 'Bartosz Kowalski' } } });
    expect(cacheStatus(bartosz)).toBe('MISS');

    const before = accounts.requestCount;
    const [aliceAgain, bartoszAgain] = [await asConsumer('alice', query), await asConsumer('bkowalski', query)];
    expect([cacheStatus(aliceAgain), cacheStatus(bartoszAgain)]).toEqual(['HIT', 'HIT']);
    expect(aliceAgain.body).toEqual(alice.body);
    expect(bartoszAgain.body).toEqual(bartosz.body);
    expect(aliceAgain.headers.get('age')).toBeNull();
    expect(accounts.requestCount).toBe(before);

    // Anonymous callers are nobody in particular: never cached, never served someone's answer.
    for (let attempt = 0; attempt < 2; attempt++) {
      const anonymous = await gatehouse.query(query);
      expect(anonymous.body).toEqual({ data: { me: null } });
      expect(cacheStatus(anonymous)).toBe('BYPASS');
    }
    // A consumer the example does not know gets its own (empty) answer, not alice's.
    expect((await asConsumer('stranger', query)).body).toEqual({ data: { me: null } });
  });

  it("never serves an answer cached for a caller with a scope to one without it", async () => {
    const query = '{ secretNote }';
    const withScope = await withScopes('reader', 'notes:read', query);
    expect(withScope.body).toEqual({ data: { secretNote: 'the note' } });
    expect(cacheStatus(withScope)).toBe('MISS');
    expect(cacheStatus(await withScopes('reader', 'notes:read', query))).toBe('HIT');

    for (const response of [await withScopes('reader', 'other:scope', query), await asConsumer('reader', query), await gatehouse.query(query)]) {
      expect(response.body.data).toEqual({ secretNote: null });
      expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(cacheStatus(response)).not.toBe('HIT');
    }
  });

  it('invalidates the entities a mutation returns, and only those', async () => {
    const p1 = '{ product(upc: "p1") { name } }';
    const p3 = '{ product(upc: "p3") { name } }';
    const all = '{ products { upc name } }';
    for (const query of [p1, p3, all]) await gatehouse.query(query);
    for (const query of [p1, p3, all]) expect(cacheStatus(await gatehouse.query(query))).toBe('HIT');

    // Only `upc` is selected: the key is read from what the cache adds to the operation.
    const renamed = await gatehouse.query('mutation { renameProduct(upc: "p1", name: "Desk") { upc } }');
    expect(renamed.body).toEqual({ data: { renameProduct: { upc: 'p1' } } });
    expect(cacheStatus(renamed)).toBe('BYPASS');

    const fresh = await gatehouse.query(p1);
    expect(cacheStatus(fresh)).toBe('MISS');
    expect(fresh.body).toEqual({ data: { product: { name: 'Desk' } } });
    expect(cacheStatus(await gatehouse.query(all))).toBe('MISS');
    expect(cacheStatus(await gatehouse.query(p3))).toBe('HIT');
    shop.names.set('p1', 'Table');
    await purge(gatehouse);
  });

  it('purges by type and key, by type, and everything', async () => {
    const p1 = '{ product(upc: "p1") { name } }';
    const p2 = '{ product(upc: "p2") { upc name } }';
    for (const query of [p1, p2]) await gatehouse.query(query);
    expect(await purge(gatehouse, { typeName: 'Product', key: 'p2' })).toBe(1);
    expect(cacheStatus(await gatehouse.query(p2))).toBe('MISS');
    expect(cacheStatus(await gatehouse.query(p1))).toBe('HIT');
    // The key also as a JSON object of its fields.
    expect(await purge(gatehouse, { typeName: 'Product', key: '{"upc": "p1"}' })).toBe(1);
    expect(cacheStatus(await gatehouse.query(p1))).toBe('MISS');

    expect(await purge(gatehouse, { typeName: 'Product' })).toBe(2);
    for (const query of [p1, p2]) expect(cacheStatus(await gatehouse.query(query))).toBe('MISS');
    expect(await purge(gatehouse)).toBeGreaterThanOrEqual(2);
    expect(cacheStatus(await gatehouse.query(p1))).toBe('MISS');
  });

  it('serves hits only to callers that pass authentication, and charges them to the quota', async () => {
    const headers = await consumerWithPlan(gatehouse, 'counted', { quotaRequests: 3, quotaPeriod: 'DAY' });
    const query = '{ product(upc: "p3") { upc } }';
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await gatehouse.query(query, undefined, headers);
      expect(response.status).toBe(200);
      statuses.push(cacheStatus(response));
    }
    expect(statuses.slice(1)).toEqual(['HIT', 'HIT']);
    const refused = await gatehouse.query(query, undefined, headers);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('QUOTA_EXCEEDED');
    expect(cacheStatus(refused)).toBe('BYPASS');

    const unknownKey = await gatehouse.query(query, undefined, { 'x-api-key': 'gh_live_AAAAAAAA_notakeyatallnotakeyatallnotakey' });
    expect(unknownKey.status).toBe(401);
    expect(cacheStatus(unknownKey)).toBe('BYPASS');
    expect(unknownKey.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    [SET_POLICY, { input: { coordinate: 'Product.', maxAge: 10 } }, 'input.coordinate'],
    [SET_POLICY, { input: { coordinate: 'Nope', maxAge: 10 } }, 'input.coordinate'],
    [SET_POLICY, { input: { coordinate: 'Product.nope', maxAge: 10 } }, 'input.coordinate'],
    [SET_POLICY, { input: { coordinate: 'String', maxAge: 10 } }, 'input.coordinate'],
    [SET_POLICY, { input: { coordinate: 'Product', maxAge: -1 } }, 'input.maxAge'],
    [SET_POLICY, { input: { coordinate: 'Product', maxAge: 40_000_000 } }, 'input.maxAge'],
    ['mutation { removeCachePolicy(coordinate: "not a coordinate") }', {}, 'coordinate'],
    ['mutation { purgeResponseCache(key: "p1") }', {}, 'key'],
    ['mutation { purgeResponseCache(typeName: "Review", key: "r1") }', {}, 'typeName'],
    ['mutation { purgeResponseCache(typeName: "Product", key: "{\\"sku\\": \\"p1\\"}") }', {}, 'key'],
    ['mutation { purgeResponseCache(typeName: "no such type!") }', {}, 'typeName'],
  ])('refuses %s %j with BAD_USER_INPUT naming %s', async (query, variables, field) => {
    const response = await gatehouse.admin(query, variables);
    expect(response.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) })]);
    expect(JSON.stringify(response.body)).not.toMatch(/stack|at .*\.ts/);
  });

  it('answers NOT_FOUND for removing a policy that does not exist', async () => {
    const response = await gatehouse.admin('mutation { removeCachePolicy(coordinate: "Product.name") }');
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'coordinate' });
  });
});

describe('response cache across instances with in-memory caches', () => {
  let shopServer: RunningSubgraph;
  let first: RunningGatehouse;
  let second: RunningGatehouse;

  beforeAll(async () => {
    shopServer = await serveSubgraph(cacheShop());
    // One feed for both, as instances on one PostgreSQL share its LISTEN/NOTIFY.
    const changeFeed = new LocalChangeFeed();
    const backends = [{ name: 'shop', url: shopServer.url }];
    [first, second] = await Promise.all([startGatehouse({ backends, changeFeed }), startGatehouse({ backends, changeFeed })]);
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await shopServer?.close();
  });

  it("drops the other instance's entries through the change feed's cache-invalidated events", async () => {
    const query = '{ product(upc: "p2") { name } }';
    for (const gatehouse of [first, second]) {
      expect(cacheStatus(await gatehouse.query(query))).toBe('MISS');
      expect(cacheStatus(await gatehouse.query(query))).toBe('HIT');
    }
    await first.query('mutation { renameProduct(upc: "p2", name: "Sofa") { upc } }');
    const fromSecond = await second.query(query);
    expect(cacheStatus(fromSecond)).toBe('MISS');
    expect(fromSecond.body).toEqual({ data: { product: { name: 'Sofa' } } });

    expect(cacheStatus(await first.query(query))).toBe('MISS');
    await purge(second, { typeName: 'Product' });
    expect(cacheStatus(await first.query(query))).toBe('MISS');
  });
});

describe('response cache turned off', () => {
  it('caches nothing with GATEHOUSE_RESPONSE_CACHE=false, whatever the hints', async () => {
    await using shopServer = await serveSubgraph(cacheShop());
    await using gatehouse = await startGatehouse({ backends: [{ name: 'shop', url: shopServer.url }], env: { GATEHOUSE_RESPONSE_CACHE: 'false' } });
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await gatehouse.query('{ product(upc: "p1") { name } }');
      expect(response.body).toEqual({ data: { product: { name: 'Table' } } });
      expect(cacheStatus(response)).toBe('BYPASS');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    expect(await purge(gatehouse)).toBe(0);
  });
});

describe('response cache in static supergraph mode', () => {
  // The hint is composed into the supergraph (`@composeDirective`), so a static supergraph has it too.
  const composedHints: SubgraphDefinition = {
    name: 'hinted',
    typeDefs: /* GraphQL */ `
      extend schema
        @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@composeDirective"])
        @link(url: "https://gatehouse.example/cache-control/v1.0", import: ["@cacheControl", "CacheControlScope"])
        @composeDirective(name: "@cacheControl")
      enum CacheControlScope { PUBLIC PRIVATE }
      directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
      type Query { motto: String @cacheControl(maxAge: 45) }
    `,
    resolvers: { Query: { motto: () => 'cache what you can' } },
  };
  let dir: string;
  let servers: RunningSubgraph[];
  let supergraphPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-static-cache-'));
    supergraphPath = join(dir, 'supergraph.graphql');
    servers = await Promise.all([serveSubgraph(cacheShop()), serveSubgraph(composedHints)]);
    await using registry = await startGatehouse({ backends: [{ name: 'shop', url: servers[0]!.url }, { name: 'hinted', url: servers[1]!.url }] });
    const schema = await registry.admin<{ schema: { supergraphSdl: string } }>('{ schema { supergraphSdl } }');
    await writeFile(supergraphPath, schema.body.data!.schema.supergraphSdl);
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('reads hints composed into the supergraph; the subgraphs\' other hints are not there, so admin policies apply', async () => {
    await using gatehouse = await startGatehouse({ env: { GATEHOUSE_SUPERGRAPH: supergraphPath, GATEHOUSE_SUPERGRAPH_POLL_MS: '3600000' } });
    const motto = await gatehouse.query('{ motto }');
    expect(motto.body).toEqual({ data: { motto: 'cache what you can' } });
    expect(motto.headers.get('cache-control')).toBe('max-age=45, public');
    expect(cacheStatus(await gatehouse.query('{ motto }'))).toBe('HIT');

    const product = '{ product(upc: "p1") { name } }';
    expect(cacheStatus(await gatehouse.query(product))).toBe('BYPASS');
    await setCachePolicy(gatehouse, 'Query.product', 25);
    expect(cacheStatus(await gatehouse.query(product))).toBe('MISS');
    const hit = await gatehouse.query(product);
    expect(cacheStatus(hit)).toBe('HIT');
    expect(hit.body).toEqual({ data: { product: { name: 'Table' } } });
  });
});
