import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, TEST_ADMIN_TOKEN, type RunningGatehouse } from '../helpers/gatehouse.js';
import { startJwtIssuer } from '../helpers/jwt-issuer.js';
import { shop } from '../request-path/fixtures.js';

const JSON_TYPE = 'application/json';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

interface ErrorCase {
  name: string;
  /** The request body, sent as `application/json`. */
  body: string;
  code: string;
  /** HTTP status by the media type asked for in `Accept` (the README's error table). */
  status: { [JSON_TYPE]: number; [GRAPHQL_RESPONSE]: number };
}

const cases: ErrorCase[] = [
  { name: 'a syntax error', body: JSON.stringify({ query: '{ products { ' }), code: 'GRAPHQL_PARSE_FAILED', status: { [JSON_TYPE]: 200, [GRAPHQL_RESPONSE]: 400 } },
  { name: 'an unknown field', body: JSON.stringify({ query: '{ nope }' }), code: 'GRAPHQL_VALIDATION_FAILED', status: { [JSON_TYPE]: 200, [GRAPHQL_RESPONSE]: 400 } },
  { name: 'a malformed JSON body', body: '{"query": "{ products { upc } }"', code: 'BAD_REQUEST', status: { [JSON_TYPE]: 400, [GRAPHQL_RESPONSE]: 400 } },
  { name: 'a body that is no object', body: '"{ products { upc } }"', code: 'BAD_REQUEST', status: { [JSON_TYPE]: 400, [GRAPHQL_RESPONSE]: 400 } },
  {
    name: 'a depth over the limit',
    body: JSON.stringify({ query: `{ products { ${'related { '.repeat(40)}upc${' }'.repeat(40)} } }` }),
    code: 'QUERY_TOO_COMPLEX',
    status: { [JSON_TYPE]: 400, [GRAPHQL_RESPONSE]: 400 },
  },
];

/** Fields of an answer that would tell a client about Gatehouse's insides. */
const INTERNALS = /originalError|SyntaxError|stack|node_modules|at JSON\.parse|Unexpected end of JSON|127\.0\.0\.1/;

describe('error responses over HTTP', () => {
  let subgraph: RunningSubgraph;
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    subgraph = await serveSubgraph(shop);
    gatehouse = await startGatehouse({ backends: [{ name: 'shop', url: subgraph.url }] });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await subgraph?.close();
  });

  async function send(path: string, body: string, accept: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${gatehouse.url}${path}`, { method: 'POST', headers: { 'content-type': JSON_TYPE, accept, ...headers }, body });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), text, body: JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> } };
  }

  for (const mediaType of [JSON_TYPE, GRAPHQL_RESPONSE] as const) {
    it.each(cases)(`answers $name with the table's status under ${mediaType}, and no internals`, async ({ body, code, status }) => {
      const answer = await send('/graphql', body, mediaType);
      expect(answer.status).toBe(status[mediaType]);
      expect(answer.contentType).toContain(mediaType);
      expect(answer.body.errors?.[0]?.extensions?.code).toBe(code);
      expect(answer.text).not.toMatch(INTERNALS);
    });
  }

  it('answers a request without Accept (curl) in application/json', async () => {
    for (const { body, status } of cases) {
      const response = await fetch(`${gatehouse.url}/graphql`, { method: 'POST', headers: { 'content-type': JSON_TYPE }, body });
      expect(response.headers.get('content-type')).toContain(JSON_TYPE);
      expect(response.status).toBe(status[JSON_TYPE]);
    }
  });

  it('keeps internals out of the admin API and of batched answers as well', async () => {
    const admin = await send('/admin/graphql', '{"query": ', JSON_TYPE, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
    expect(admin.status).toBe(400);
    expect(admin.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(admin.text).not.toMatch(INTERNALS);

    const batch = await send('/graphql', JSON.stringify([{ query: '{ products { upc } }' }, { query: '{ products { ' }]), GRAPHQL_RESPONSE);
    expect(batch.text).not.toMatch(INTERNALS);
    expect(batch.body).toMatchObject([{ data: { products: [{ upc: 'p1' }, { upc: 'p2' }] } }, { errors: [{ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] }]);
  });

  it('masks an unexpected failure without its cause, even with NODE_ENV=development', async () => {
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      // A JWKS endpoint that is gone: verifying the token fails inside Gatehouse, not the caller's fault.
      const issuer = await startJwtIssuer();
      const token = await issuer.sign({ sub: 'someone' });
      await issuer.close();
      await using jwtGatehouse = await startGatehouse({ backends: [{ name: 'shop', url: subgraph.url }], env: issuer.env });
      const answer = await fetch(`${jwtGatehouse.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': JSON_TYPE, accept: GRAPHQL_RESPONSE, authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ products { upc } }' }),
      });
      expect(answer.status).toBe(500);
      const text = await answer.text();
      expect(JSON.parse(text)).toEqual({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      expect(text).not.toMatch(INTERNALS);
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
  });
});
