import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, type GraphQLResponse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { startJwtIssuer, TEST_AUDIENCE, unsignedToken, type JwtIssuer } from '../helpers/jwt-issuer.js';
import { consumerAdmin, pollUntil, type ConsumerAdmin } from './consumers.js';

const KEY_CACHE_TTL_MS = 200;
const QUERY = '{ hello }';

const greeter = {
  name: 'greeter',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@shareable"])
    type Query { hello: String }
  `,
  resolvers: { Query: { hello: () => 'world' } },
};

/** 401 UNAUTHENTICATED with a challenge, a message matching `message`, no data, and the credential not echoed. */
function expectRefused(response: GraphQLResponse, message: RegExp, credential?: string): void {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBeTruthy();
  expect(response.body.data).toBeUndefined();
  expect(response.body.errors).toHaveLength(1);
  expect(response.body.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
  expect(response.body.errors![0]!.message).toMatch(message);
  if (credential) expect(JSON.stringify(response.body)).not.toContain(credential);
}

function expectServed(response: GraphQLResponse): void {
  expect(response.body).toEqual({ data: { hello: 'world' } });
  expect(response.status).toBe(200);
}

describe('authentication on /graphql', () => {
  let subgraph: RunningSubgraph;
  let issuer: JwtIssuer;
  let gatehouse: RunningGatehouse;
  let admin: ConsumerAdmin;
  const logLines: string[] = [];
  const withKey = (key: string) => gatehouse.query(QUERY, undefined, { 'x-api-key': key });
  const withToken = (token: string) => gatehouse.query(QUERY, undefined, { authorization: `Bearer ${token}` });

  beforeAll(async () => {
    subgraph = await serveSubgraph(greeter);
    issuer = await startJwtIssuer();
    gatehouse = await startGatehouse({
      backends: [{ name: 'greeter', url: subgraph.url }],
      anonymousAccess: false,
      env: { ...issuer.env, GATEHOUSE_API_KEY_CACHE_TTL_MS: String(KEY_CACHE_TTL_MS), GATEHOUSE_LOG_LEVEL: 'trace' },
      logDestination: { write: (line: string) => void logLines.push(line) },
    });
    admin = consumerAdmin(gatehouse);
    await admin.createPlan('basic');
    await admin.createConsumer('app', 'basic');
    await admin.createConsumer('jwt-user', 'basic');
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([subgraph?.close(), issuer?.close()]);
  });

  describe('API keys', () => {
    it('serves an issued key', async () => {
      const { key } = await admin.issueKey('app');
      expectServed(await withKey(key));
      // And again from the cache.
      expectServed(await withKey(key));
    });

    it('refuses a request without credentials when there is no anonymous plan, with a challenge per scheme', async () => {
      const response = await gatehouse.query(QUERY);
      expectRefused(response, /^Missing credentials/);
      const challenge = response.headers.get('www-authenticate')!;
      expect(challenge).toContain('ApiKey header="x-api-key"');
      expect(challenge).toContain('Bearer');
      // An empty header (GraphiQL's prefilled one) is no credential either.
      expectRefused(await withKey(''), /^Missing credentials/);
    });

    it('refuses a malformed key before any lookup, and an unknown one, without echoing either', async () => {
      const malformed = 'not-a-key-0123456789';
      const response = await withKey(malformed);
      expectRefused(response, /^Malformed API key/, malformed);
      expect(response.headers.get('www-authenticate')).toBe('ApiKey header="x-api-key"');
      const unknown = `gh_live_abcdEFGH_${'x'.repeat(32)}`;
      expectRefused(await withKey(unknown), /^Unknown or revoked API key/, unknown);
    });

    it('refuses a revoked key within the documented delay (the key cache TTL)', async () => {
      const { key, id } = await admin.issueKey('app');
      expectServed(await withKey(key));
      await admin.revokeKey(id);
      const { response, elapsedMs } = await pollUntil(() => withKey(key), (r) => r.status === 401, { timeoutMs: KEY_CACHE_TTL_MS + 2_000 });
      expectRefused(response, /^Unknown or revoked API key/, key);
      // Generous margin for a loaded machine; what matters is "the TTL", not "eventually".
      expect(elapsedMs).toBeLessThan(KEY_CACHE_TTL_MS + 1_000);
    });

    it('refuses a key once its expiresAt has passed', async () => {
      const { key } = await admin.issueKey('app', new Date(Date.now() + 1_500));
      expectServed(await withKey(key));
      const { response } = await pollUntil(() => withKey(key), (r) => r.status === 401, { timeoutMs: 5_000 });
      expectRefused(response, /^Expired API key/, key);
    });

    it('keeps a rotated key working during the overlap, then only the new one', async () => {
      const old = await admin.issueKey('app');
      expectServed(await withKey(old.key));
      const rotated = await admin.rotateKey(old.id, 2);
      expectServed(await withKey(old.key));
      expectServed(await withKey(rotated.key));
      const { response } = await pollUntil(() => withKey(old.key), (r) => r.status === 401, { timeoutMs: 6_000 });
      expectRefused(response, /^Expired API key/, old.key);
      expectServed(await withKey(rotated.key));
    });

    it('refuses the keys of a disabled consumer within the delay', async () => {
      await admin.createConsumer('soon-disabled', 'basic');
      const { key } = await admin.issueKey('soon-disabled');
      expectServed(await withKey(key));
      await admin.disableConsumer('soon-disabled');
      const { response } = await pollUntil(() => withKey(key), (r) => r.status === 401, { timeoutMs: KEY_CACHE_TTL_MS + 2_000 });
      expectRefused(response, /disabled/, key);
    });

    it('refuses a request carrying both an API key and a bearer token', async () => {
      const { key } = await admin.issueKey('app');
      const token = await issuer.sign({ sub: 'jwt-user' });
      expectRefused(await gatehouse.query(QUERY, undefined, { 'x-api-key': key, authorization: `Bearer ${token}` }), /not both/, key);
    });
  });

  describe('JWT bearer tokens (JWKS served on 127.0.0.1)', () => {
    it('serves a valid token whose subject is a consumer', async () => {
      expectServed(await withToken(await issuer.sign({ sub: 'jwt-user', scope: 'read:email' })));
      expect(issuer.fetchCount).toBeGreaterThan(0);
    });

    it.each([
      ['a wrong audience', () => issuer.sign({ sub: 'jwt-user' }, { audience: 'someone-else' }), /"aud" claim/],
      ['an expired token', () => issuer.sign({ sub: 'jwt-user' }, { expiresAt: Math.floor(Date.now() / 1000) - 600 }), /expired/],
      ['a signature by another key', () => issuer.sign({ sub: 'jwt-user' }, { wrongKey: true }), /signature does not verify/],
      ['alg: none', async () => unsignedToken({ sub: 'jwt-user' }), /algorithm is not accepted/],
      ['a subject that is no consumer', () => issuer.sign({ sub: 'nobody' }), /no known consumer/],
      ['no subject at all', () => issuer.sign({ aud: TEST_AUDIENCE }), /"sub" claim/],
      ['something that is not a JWT', async () => 'not.a.jwt', /well-formed/],
    ])('refuses %s', async (_name, makeToken, message) => {
      const token = await makeToken();
      const response = await withToken(token);
      expectRefused(response, message, token);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    });

    it('refuses an Authorization header that is not a bearer token', async () => {
      expectRefused(await gatehouse.query(QUERY, undefined, { authorization: 'Basic dXNlcjpwYXNz' }), /Bearer <token>/, 'dXNlcjpwYXNz');
    });
  });

  it('never writes an API key or a token to the log, even at trace level', async () => {
    const { key, id } = await admin.issueKey('app');
    const token = await issuer.sign({ sub: 'jwt-user' });
    await withKey(key);
    await withToken(token);
    await admin.revokeKey(id);
    await pollUntil(() => withKey(key), (r) => r.status === 401, { timeoutMs: KEY_CACHE_TTL_MS + 2_000 });
    await withKey(`${key}-tampered`);
    const log = logLines.join('');
    // The log did record these requests (so the check below is not vacuous)…
    expect(log).toContain('"consumer authenticated"');
    expect(log).toContain('"authentication refused"');
    // …but never the credentials.
    expect(log).not.toContain(key);
    expect(log).not.toContain(key.slice(key.lastIndexOf('_') + 1));
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.split('.')[2]!);
  });
});

describe('other configurations: anonymous access, a PEM key, a JWKS endpoint that is down', () => {
  let subgraph: RunningSubgraph;

  beforeAll(async () => {
    subgraph = await serveSubgraph(greeter);
  });
  afterAll(async () => {
    await subgraph?.close();
  });

  it('serves requests without credentials on the anonymous plan', async () => {
    await using gatehouse = await startGatehouse({ backends: [{ name: 'greeter', url: subgraph.url }] });
    expectServed(await gatehouse.query(QUERY));
    // Credentials that are there are still checked: a bad key is not "anonymous".
    expectRefused(await gatehouse.query(QUERY, undefined, { 'x-api-key': 'garbage' }), /^Malformed API key/);
  });

  it('refuses requests without credentials while the configured anonymous plan does not exist', async () => {
    await using gatehouse = await startGatehouse({ backends: [{ name: 'greeter', url: subgraph.url }], env: { GATEHOUSE_ANONYMOUS_PLAN: 'not-created' } });
    const response = await gatehouse.query(QUERY);
    expectRefused(response, /^Missing credentials/);
    expect(response.headers.get('www-authenticate')).toBe('ApiKey header="x-api-key"');
  });

  it('verifies tokens against a PEM public key, refusing HS256 signed with that key as a secret', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const pem = await exportSPKI(publicKey);
    await using gatehouse = await startGatehouse({
      backends: [{ name: 'greeter', url: subgraph.url }],
      anonymousAccess: false,
      env: { GATEHOUSE_JWT_PUBLIC_KEY: pem, GATEHOUSE_JWT_AUDIENCE: TEST_AUDIENCE },
    });
    const admin = consumerAdmin(gatehouse);
    await admin.createPlan('basic');
    await admin.createConsumer('pem-user', 'basic');
    const sign = (alg: string, key: CryptoKey | Uint8Array) =>
      new SignJWT({ sub: 'pem-user' }).setProtectedHeader({ alg }).setAudience(TEST_AUDIENCE).setExpirationTime('5m').sign(key);
    const bearer = async (token: Promise<string>) => gatehouse.query(QUERY, undefined, { authorization: `Bearer ${await token}` });
    expectServed(await bearer(sign('ES256', privateKey)));
    // The classic algorithm confusion: the public key, known to all, used as an HMAC secret.
    expectRefused(await bearer(sign('HS256', new TextEncoder().encode(pem))), /algorithm is not accepted/);
  });

  it('answers 500, not 401, when the JWKS endpoint is down: that is not the caller\'s fault', async () => {
    const issuer = await startJwtIssuer();
    const token = await issuer.sign({ sub: 'someone' });
    await issuer.close();
    await using gatehouse = await startGatehouse({ backends: [{ name: 'greeter', url: subgraph.url }], env: issuer.env });
    const response = await gatehouse.query(QUERY, undefined, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(500);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(response.body)).not.toContain('127.0.0.1');
  });

  it('leaves health endpoints and the admin API alone', async () => {
    await using gatehouse = await startGatehouse({ backends: [{ name: 'greeter', url: subgraph.url }], anonymousAccess: false });
    expect((await fetch(`${gatehouse.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gatehouse.url}/readyz`)).status).toBe(200);
    expect((await gatehouse.admin('{ backends { name } }')).body).toEqual({ data: { backends: [{ name: 'greeter' }] } });
    expect((await gatehouse.query(QUERY)).status).toBe(401);
  });

  it('lets GraphiQL users fill in the key header', async () => {
    await using gatehouse = await startGatehouse({ backends: [{ name: 'greeter', url: subgraph.url }], anonymousAccess: false });
    const page = await fetch(`${gatehouse.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('x-api-key');
  });
});
