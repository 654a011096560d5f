import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { REGISTER_BACKEND, startGatehouse, TEST_ADMIN_TOKEN, TEST_PLAN, type RunningGatehouse } from '../helpers/gatehouse.js';
import { issueKey, shopProducts, TOP_REVIEWS, shopReviews } from './fixtures.js';

/** Keeps every line the logger writes, raw (to look for secrets) and parsed. */
function logCapture() {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const lines = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, raw, lines, access: () => lines().filter((line) => line.component === 'access') };
}

describe('access log: one line per GraphQL request', () => {
  const log = logCapture();
  let products: RunningSubgraph;
  let reviews: RunningSubgraph;
  let gatehouse: RunningGatehouse;
  let key: { key: string; prefix: string; consumer: string };

  beforeAll(async () => {
    [products, reviews] = await Promise.all([serveSubgraph(shopProducts), serveSubgraph(shopReviews)]);
    gatehouse = await startGatehouse({
      backends: [
        { name: products.name, url: products.url },
        { name: reviews.name, url: reviews.url },
      ],
      env: { GATEHOUSE_LOG_LEVEL: 'info' },
      logDestination: log.stream,
    });
    key = await issueKey(gatehouse, { name: 'metered', maxCost: 5000 });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([products?.close(), reviews?.close()]);
  });

  const lineOf = (requestId: string) => {
    const found = log.access().filter((line) => line.requestId === requestId);
    expect(found, `access lines of ${requestId}`).toHaveLength(1);
    return found[0]!;
  };

  it('names the consumer, its plan and its key by prefix, the operation, status, duration and cost', async () => {
    const result = await gatehouse.query(TOP_REVIEWS, undefined, { 'x-api-key': key.key, 'x-request-id': 'access-1' });
    expect(result.status).toBe(200);
    const line = lineOf('access-1');
    expect(line).toMatchObject({
      level: 30,
      msg: 'request',
      component: 'access',
      endpoint: 'graphql',
      method: 'POST',
      path: '/graphql',
      status: 200,
      consumer: key.consumer,
      via: 'api-key',
      keyPrefix: key.prefix,
      plan: 'metered',
      operationName: 'TopReviews',
      operationType: 'query',
      clientAddress: '127.0.0.1',
    });
    expect(key.key.startsWith(`${key.prefix}_`)).toBe(true);
    expect(line.durationMs).toBeGreaterThan(0);
    expect(line.cost).toBeGreaterThan(0);
    expect(line.errorCodes).toBeUndefined();
  });

  it('lists the error codes of the answer', async () => {
    const result = await gatehouse.query('query Bad { nope }', undefined, { 'x-request-id': 'access-2' });
    expect(result.status).toBe(400);
    expect(lineOf('access-2')).toMatchObject({ status: 400, operationName: 'Bad', errorCodes: ['GRAPHQL_VALIDATION_FAILED'], consumer: 'anonymous', plan: TEST_PLAN });
  });

  it('logs a refused key without the key', async () => {
    const wrongKey = 'gh_live_ZZZZZZZZ_this-key-was-never-issued-0000000000';
    const result = await gatehouse.query(TOP_REVIEWS, undefined, { 'x-api-key': wrongKey, 'x-request-id': 'access-3' });
    expect(result.status).toBe(401);
    const line = lineOf('access-3');
    expect(line).toMatchObject({ status: 401, errorCodes: ['UNAUTHENTICATED'] });
    expect(line.consumer).toBeUndefined();
    expect(line.keyPrefix).toBeUndefined();
    expect(log.raw.join('\n')).not.toContain('this-key-was-never-issued');
  });

  it('logs admin requests, without the admin token', async () => {
    await gatehouse.admin('query Backends { backends { name } }', undefined, { 'x-request-id': 'access-4' });
    expect(lineOf('access-4')).toMatchObject({ endpoint: 'admin', path: '/admin/graphql', status: 200, operationName: 'Backends', operationType: 'query' });
    await gatehouse.admin('query Backends { backends { name } }', undefined, { authorization: 'Bearer not-the-admin-token-0000', 'x-request-id': 'access-5' });
    expect(lineOf('access-5')).toMatchObject({ endpoint: 'admin', status: 401, errorCodes: ['UNAUTHENTICATED'] });
  });

  it('never writes a secret: no API key, no admin token, on any line', () => {
    const all = log.raw.join('\n');
    expect(all).not.toContain(key.key);
    expect(all).not.toContain(key.key.slice(key.prefix.length + 1));
    expect(all).not.toContain(TEST_ADMIN_TOKEN);
    expect(all).not.toContain('not-the-admin-token');
  });

  it('backend log lines carry the backend once', async () => {
    await using flaky = await serveSubgraph({
      name: 'flaky',
      typeDefs: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"]) type Query { flaky: String }',
      resolvers: { Query: { flaky: () => 'ok' } },
    });
    const registered = await gatehouse.admin(REGISTER_BACKEND, { input: { name: 'flaky', kind: 'FEDERATION_SUBGRAPH', url: flaky.url } });
    expect(registered.body.errors).toBeUndefined();
    await flaky.close();
    const result = await gatehouse.query('{ flaky }', undefined, { 'x-request-id': 'access-6' });
    expect(result.body.errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
    expect(lineOf('access-6')).toMatchObject({ status: 200, errorCodes: ['BACKEND_UNAVAILABLE'] });
    const warnings = log.raw.filter((line) => line.includes('"msg":"backend unreachable"'));
    expect(warnings.length).toBeGreaterThan(0);
    for (const line of warnings) expect(line.match(/"backend":/g)).toHaveLength(1);
  });
});

describe('access log settings', () => {
  it('GATEHOUSE_ACCESS_LOG=false writes none; the rest of the log is unchanged', async () => {
    const log = logCapture();
    await using gatehouse = await startGatehouse({ env: { GATEHOUSE_LOG_LEVEL: 'info', GATEHOUSE_ACCESS_LOG: 'false' }, logDestination: log.stream });
    await gatehouse.admin('query Backends { backends { name } }');
    expect(log.lines().some((line) => line.msg === 'gatehouse listening')).toBe(true);
    expect(log.access()).toEqual([]);
  });

  it('GATEHOUSE_ACCESS_LOG=debug writes them at debug, seen only at that log level', async () => {
    const quiet = logCapture();
    {
      await using gatehouse = await startGatehouse({ env: { GATEHOUSE_LOG_LEVEL: 'info', GATEHOUSE_ACCESS_LOG: 'debug' }, logDestination: quiet.stream });
      await gatehouse.admin('query Backends { backends { name } }');
    }
    expect(quiet.access()).toEqual([]);
    const verbose = logCapture();
    {
      await using gatehouse = await startGatehouse({ env: { GATEHOUSE_LOG_LEVEL: 'debug', GATEHOUSE_ACCESS_LOG: 'debug' }, logDestination: verbose.stream });
      await gatehouse.admin('query Backends { backends { name } }', undefined, { 'x-request-id': 'debug-1' });
    }
    expect(verbose.access().filter((line) => line.requestId === 'debug-1')).toMatchObject([{ level: 20, operationName: 'Backends' }]);
  });
});
