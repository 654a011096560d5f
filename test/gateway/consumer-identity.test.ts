import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingGraphQLService, startRecordingRestService, startRecordingSubgraph, type RecordingBackend } from '../helpers/recording-backends.js';
import { REGISTER_BACKEND, startGatehouse, TEST_PLAN, type RunningGatehouse } from '../helpers/gatehouse.js';
import { startJwtIssuer, type JwtIssuer } from '../helpers/jwt-issuer.js';
import { consumerAdmin } from '../request-path/consumers.js';

const SPOOFED = {
  'x-gatehouse-consumer': 'mallory',
  'x-gatehouse-plan': 'platinum',
  'x-gatehouse-scopes': 'admin',
};

/** Waits (up to a deadline) for a backend to have received `count` requests. */
async function untilRequests(backend: RecordingBackend, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (backend.requests.length < count) {
    if (Date.now() > deadline) throw new Error(`the backend got ${backend.requests.length} requests, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('consumer identity sent to every backend', () => {
  let released: Promise<void> = Promise.resolve();
  let subgraph: RecordingBackend;
  let service: RecordingBackend;
  let rest: RecordingBackend & { openapiUrl: string };
  let issuer: JwtIssuer;
  let gatehouse: RunningGatehouse;
  let aliceKey: string;
  let bobKey: string;

  const lastOf = (backend: RecordingBackend) => backend.requests.at(-1)!;

  beforeAll(async () => {
    [subgraph, service, rest, issuer] = await Promise.all([
      startRecordingSubgraph({ hold: () => released }),
      startRecordingGraphQLService(),
      startRecordingRestService(),
      startJwtIssuer(),
    ]);
    gatehouse = await startGatehouse({ env: issuer.env });
    const registrations = [
      { name: 'people', kind: 'FEDERATION_SUBGRAPH', url: subgraph.url, forwardHeaders: ['X-Tenant', 'accept-language'] },
      { name: 'notes', kind: 'GRAPHQL', url: service.url },
      { name: 'echo', kind: 'OPENAPI', url: rest.url, openapi: rest.openapiUrl },
    ];
    for (const input of registrations) {
      const registered = await gatehouse.admin(REGISTER_BACKEND, { input });
      expect(registered.body.errors).toBeUndefined();
    }
    const admin = consumerAdmin(gatehouse);
    await admin.createPlan('gold');
    await admin.createConsumer('alice', 'gold');
    await admin.createConsumer('bob', 'gold');
    await admin.createConsumer('jwt-app', 'gold');
    aliceKey = (await admin.issueKey('alice')).key;
    bobKey = (await admin.issueKey('bob')).key;
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([subgraph?.close(), service?.close(), rest?.close(), issuer?.close()]);
  });

  it('tells federation, plain GraphQL and REST backends the consumer, plan and request id, never what the client claims', async () => {
    const response = await gatehouse.query('{ whoami note echo_echo { consumer } }', undefined, { 'x-api-key': aliceKey, ...SPOOFED });
    expect(response.body).toEqual({ data: { whoami: 'alice', note: 'plan gold', echo_echo: { consumer: 'alice' } } });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    for (const backend of [subgraph, service, rest]) {
      expect(lastOf(backend)).toMatchObject({ 'x-gatehouse-consumer': 'alice', 'x-gatehouse-plan': 'gold', 'x-request-id': requestId });
      // An API key carries no scopes: the client's claim of some is dropped, not passed on.
      expect(lastOf(backend)).not.toHaveProperty('x-gatehouse-scopes');
      expect(lastOf(backend)).not.toHaveProperty('x-api-key');
    }
  });

  it('keeps the request id the client sent, as on the response and in the logs', async () => {
    const response = await gatehouse.query('{ whoami }', undefined, { 'x-api-key': aliceKey, 'x-request-id': 'client-req-42' });
    expect(response.headers.get('x-request-id')).toBe('client-req-42');
    expect(lastOf(subgraph)['x-request-id']).toBe('client-req-42');
  });

  it('sends the scopes of a JWT, and the plan but no consumer for anonymous callers', async () => {
    const token = await issuer.sign({ sub: 'jwt-app', scope: 'read:notes write:notes' });
    await gatehouse.query('{ whoami note }', undefined, { authorization: `Bearer ${token}` });
    for (const backend of [subgraph, service]) {
      expect(lastOf(backend)).toMatchObject({ 'x-gatehouse-consumer': 'jwt-app', 'x-gatehouse-plan': 'gold', 'x-gatehouse-scopes': 'read:notes write:notes' });
    }

    const anonymous = await gatehouse.query('{ whoami note }', undefined, SPOOFED);
    expect(anonymous.body).toEqual({ data: { whoami: 'nobody', note: `plan ${TEST_PLAN}` } });
    expect(lastOf(subgraph)).not.toHaveProperty('x-gatehouse-consumer');
    expect(lastOf(subgraph)).not.toHaveProperty('x-gatehouse-scopes');
    expect(lastOf(subgraph)['x-gatehouse-plan']).toBe(TEST_PLAN);
  });

  it('forwards exactly the client headers a backend lists', async () => {
    await gatehouse.query('{ whoami note echo_echo { consumer } }', undefined, {
      'x-api-key': aliceKey,
      'x-tenant': 'acme',
      'accept-language': 'fr-CH',
      'x-other': 'not listed',
      cookie: 'session=secret',
    });
    expect(lastOf(subgraph)).toMatchObject({ 'x-tenant': 'acme', 'accept-language': 'fr-CH' });
    for (const backend of [subgraph, service, rest]) {
      expect(lastOf(backend)).not.toHaveProperty('x-other');
      expect(lastOf(backend)).not.toHaveProperty('cookie');
    }
    // Listed by `people` only.
    expect(lastOf(service)).not.toHaveProperty('x-tenant');
    expect(lastOf(rest)).not.toHaveProperty('x-tenant');

    const listed = await gatehouse.admin<{ backend: { forwardHeaders: string[] } }>('{ backend(name: "people") { forwardHeaders } }');
    expect(listed.body.data).toEqual({ backend: { forwardHeaders: ['x-tenant', 'accept-language'] } });
  });

  it('shares an in-flight subgraph request between identical queries of one consumer, never between two', async () => {
    let release!: () => void;
    released = new Promise<void>((resolve) => (release = resolve));
    try {
      const before = subgraph.requests.length;
      const pending = [aliceKey, bobKey, aliceKey].map((key) => gatehouse.query('{ whoami }', undefined, { 'x-api-key': key }));
      await untilRequests(subgraph, before + 2);
      // Long enough for the third request to arrive: it must join alice's, not start its own.
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      const answers = await Promise.all(pending);
      expect(answers.map((answer) => answer.body)).toEqual([
        { data: { whoami: 'alice' } },
        { data: { whoami: 'bob' } },
        { data: { whoami: 'alice' } },
      ]);
      expect(subgraph.requests.length - before).toBe(2);
    } finally {
      released = Promise.resolve();
      release();
    }
  });

  it('updates the forwarded headers: [] forwards none', async () => {
    const updated = await gatehouse.admin<{ updateBackend: { backend: { forwardHeaders: string[] } } }>(
      'mutation($input: UpdateBackendInput!) { updateBackend(input: $input) { backend { forwardHeaders } } }',
      { input: { name: 'people', forwardHeaders: [] } },
    );
    expect(updated.body.data).toEqual({ updateBackend: { backend: { forwardHeaders: [] } } });
    await gatehouse.query('{ whoami }', undefined, { 'x-api-key': aliceKey, 'x-tenant': 'acme' });
    expect(lastOf(subgraph)).not.toHaveProperty('x-tenant');
  });

  it.each([
    ['forwardHeaders', { forwardHeaders: ['X-Gatehouse-Consumer'] }, 'input.forwardHeaders.0', 'is set by the gateway'],
    ['forwardHeaders', { forwardHeaders: ['x-tenant', 'content-length'] }, 'input.forwardHeaders.1', 'is set by the gateway'],
    ['forwardHeaders', { forwardHeaders: ['x-tenant', 'X-TENANT'] }, 'input.forwardHeaders.1', 'given twice'],
    ['forwardHeaders', { forwardHeaders: ['bad header'] }, 'input.forwardHeaders.0', 'not a valid HTTP header name'],
    ['headers', { headers: [{ name: 'x-request-id', value: 'fixed' }] }, 'input.headers.0.name', 'is set by the gateway'],
  ])('refuses %s the gateway sets itself or that are malformed (%j) with BAD_USER_INPUT', async (_what, fields, field, message) => {
    const response = await gatehouse.admin(REGISTER_BACKEND, { input: { name: 'spoofer', kind: 'FEDERATION_SUBGRAPH', url: subgraph.url, ...fields } });
    expect(response.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining(message), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) }),
    ]);
    const update = await gatehouse.admin('mutation($input: UpdateBackendInput!) { updateBackend(input: $input) { changed } }', { input: { name: 'people', ...fields } });
    expect(update.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});
