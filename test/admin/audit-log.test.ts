import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, TEST_ADMIN_TOKEN, type RunningGatehouse } from '../helpers/gatehouse.js';
import { catalog } from '../usage/fixtures.js';

interface Entry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  requestId: string | null;
  input: Record<string, unknown>;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  result: string;
}

const ENTRY_FIELDS = 'id at actor action target requestId input before after result';
const HEADER_SECRET = 'header-secret-0123456789';
const URL_SECRET = 'url-secret-0123456789';
// Longer than the 200 characters kept: shortened in the log.
const LONG_DOCUMENT = `query LongDocument { products(first: 1) { name ${Array.from({ length: 40 }, (_, i) => `a${i}: upc`).join(' ')} } }`;

describe('the audit log of admin mutations', () => {
  let subgraph: RunningSubgraph;
  let gatehouse: RunningGatehouse;
  const secrets: string[] = [TEST_ADMIN_TOKEN, HEADER_SECRET, URL_SECRET];
  let startedAt: Date;

  const run = async <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => {
    const result = await gatehouse.admin<T>(query, variables, { 'x-request-id': 'audit-test-request' });
    return result.body;
  };
  const ok = async <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T> => {
    const body = await run<T>(query, variables);
    expect(body.errors, query).toBeUndefined();
    return body.data!;
  };
  const entries = async (variables: Record<string, unknown> = {}) => {
    const data = await ok<{ auditLog: { nodes: Entry[]; edges: Array<{ cursor: string }>; pageInfo: { endCursor: string | null; hasNextPage: boolean } } }>(
      `query($first: Int, $after: String, $filter: AuditLogFilter) { auditLog(first: $first, after: $after, filter: $filter) {
        nodes { ${ENTRY_FIELDS} } edges { cursor } pageInfo { endCursor hasNextPage } } }`,
      { first: 100, ...variables },
    );
    return data.auditLog;
  };

  beforeAll(async () => {
    subgraph = await serveSubgraph(catalog);
    gatehouse = await startGatehouse();
    startedAt = new Date();
    const backend = { name: 'catalog', kind: 'FEDERATION_SUBGRAPH', url: subgraph.url };
    await ok('mutation($input: RegisterBackendInput!) { registerBackend(input: $input) { changed } }', {
      input: { ...backend, headers: [{ name: 'x-service-token', value: HEADER_SECRET }] },
    });
    await ok('mutation($input: UpdateBackendInput!) { updateBackend(input: $input) { changed } }', {
      input: { name: 'catalog', url: `${subgraph.url}?token=${URL_SECRET}`, timeoutMs: 5000 },
    });
    await ok('mutation($input: RegisterBackendInput!) { checkBackend(input: $input) { composes } }', { input: backend });
    await ok('mutation { createPlan(input: { name: "audited", maxCost: 100 }) { name } }');
    await ok('mutation { updatePlan(input: { name: "audited", rateLimitPoints: 50 }) { name } }');
    await ok('mutation { createConsumer(input: { name: "auditee", plan: "audited" }) { name } }');
    await ok('mutation { updateConsumer(input: { name: "auditee", disabled: true }) { name } }');
    const issued = await ok<{ issueApiKey: { key: string; apiKey: { id: string } } }>('mutation { issueApiKey(input: { consumer: "auditee", label: "ci" }) { key apiKey { id } } }');
    const rotated = await ok<{ rotateApiKey: { key: string; apiKey: { id: string } } }>(
      'mutation($id: ID!) { rotateApiKey(input: { id: $id, overlapSeconds: 60 }) { key apiKey { id } } }',
      { id: issued.issueApiKey.apiKey.id },
    );
    await ok('mutation($id: ID!) { revokeApiKey(id: $id) { status } }', { id: rotated.rotateApiKey.apiKey.id });
    for (const key of [issued.issueApiKey.key, rotated.rotateApiKey.key]) secrets.push(key, createHash('sha256').update(key).digest('hex'));
    const [hash] = (await ok<{ addTrustedDocuments: string[] }>('mutation($documents: [String!]!) { addTrustedDocuments(documents: $documents) }', { documents: [LONG_DOCUMENT] })).addTrustedDocuments;
    await ok('mutation($hash: String!) { removeTrustedDocument(hash: $hash) }', { hash });
    await ok('mutation { deleteConsumer(name: "auditee") }');
    await ok('mutation { deletePlan(name: "audited") }');
    await ok('mutation { removeBackend(name: "catalog") { removed } }');
    // Refused ones are recorded with their code.
    expect((await run('mutation { updatePlan(input: { name: "nobody", maxCost: 1 }) { name } }')).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect((await run('mutation { createPlan(input: { name: "Not A Name" }) { name } }')).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    // The record before it can't be read (no such id can exist): the mutation still answers for itself.
    expect((await run('mutation { revokeApiKey(id: "not-a-uuid") { status } }')).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  afterAll(async () => {
    await gatehouse?.close();
    await subgraph?.close();
  });

  it('records every mutation, newest first, with who, when, what and the result', async () => {
    const { nodes } = await entries({ filter: { from: startedAt.toISOString() } });
    expect(nodes.map((entry) => [entry.action, entry.target, entry.result]).reverse()).toEqual([
      ['registerBackend', 'backend:catalog', 'ok'],
      ['updateBackend', 'backend:catalog', 'ok'],
      ['checkBackend', 'backend:catalog', 'ok'],
      ['createPlan', 'plan:audited', 'ok'],
      ['updatePlan', 'plan:audited', 'ok'],
      ['createConsumer', 'consumer:auditee', 'ok'],
      ['updateConsumer', 'consumer:auditee', 'ok'],
      ['issueApiKey', 'consumer:auditee', 'ok'],
      ['rotateApiKey', expect.stringMatching(/^apiKey:/), 'ok'],
      ['revokeApiKey', expect.stringMatching(/^apiKey:/), 'ok'],
      ['addTrustedDocuments', null, 'ok'],
      ['removeTrustedDocument', expect.stringMatching(/^trustedDocument:sha256:/), 'ok'],
      ['deleteConsumer', 'consumer:auditee', 'ok'],
      ['deletePlan', 'plan:audited', 'ok'],
      ['removeBackend', 'backend:catalog', 'ok'],
      ['updatePlan', 'plan:nobody', 'NOT_FOUND'],
      ['createPlan', 'plan:Not A Name', 'BAD_USER_INPUT'],
      ['revokeApiKey', 'apiKey:not-a-uuid', 'BAD_USER_INPUT'],
    ]);
    const actor = `admin-token:${createHash('sha256').update(TEST_ADMIN_TOKEN).digest('hex').slice(0, 8)}`;
    for (const entry of nodes) {
      expect(entry).toMatchObject({ actor, requestId: 'audit-test-request' });
      expect(new Date(entry.at).getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1_000);
    }
  });

  it('keeps the record before and after a change', async () => {
    const [update] = (await entries({ filter: { action: 'updatePlan', target: 'plan:audited' } })).nodes;
    expect(update!.before).toMatchObject({ name: 'audited', maxCost: 100, rateLimitPoints: null });
    expect(update!.after).toMatchObject({ name: 'audited', maxCost: 100, rateLimitPoints: 50 });
    expect(update!.input).toEqual({ input: { name: 'audited', rateLimitPoints: 50 } });

    const [created] = (await entries({ filter: { action: 'createConsumer' } })).nodes;
    expect(created).toMatchObject({ before: null, after: { name: 'auditee', plan: 'audited', disabled: false } });
    const [deleted] = (await entries({ filter: { action: 'deletePlan' } })).nodes;
    expect(deleted).toMatchObject({ before: { name: 'audited', rateLimitPoints: 50 }, after: null });
    const [rotation] = (await entries({ filter: { action: 'rotateApiKey' } })).nodes;
    expect(rotation!.after).toMatchObject({ rotated: { label: 'ci', revokedAt: null }, issued: { label: 'ci', prefix: expect.stringMatching(/^gh_live_/) } });
    const [refused] = (await entries({ filter: { action: 'updatePlan', target: 'plan:nobody' } })).nodes;
    expect(refused).toMatchObject({ before: null, after: null, result: 'NOT_FOUND' });
    const [malformed] = (await entries({ filter: { target: 'apiKey:not-a-uuid' } })).nodes;
    expect(malformed).toMatchObject({ before: { unavailable: true }, after: null, result: 'BAD_USER_INPUT' });
  });

  it('holds no secret: header values, keys, their hashes, tokens, URL queries; long documents are shortened', async () => {
    const { nodes } = await entries();
    const text = JSON.stringify(nodes);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain(LONG_DOCUMENT);
    const [registered] = (await entries({ filter: { action: 'registerBackend' } })).nodes;
    expect(registered!.input).toMatchObject({ input: { headers: [{ name: 'x-service-token', value: '[redacted]' }] } });
    expect(registered!.after).toMatchObject({ name: 'catalog', headers: { 'x-service-token': '[redacted]' } });
    const [updated] = (await entries({ filter: { action: 'updateBackend' } })).nodes;
    expect(updated!.input).toMatchObject({ input: { url: `${subgraph.url}?[redacted]` } });
    const [documents] = (await entries({ filter: { action: 'addTrustedDocuments' } })).nodes;
    const [shortened] = (documents!.input as { documents: string[] }).documents;
    expect(shortened).toMatch(new RegExp(`^query LongDocument .*… \\(${LONG_DOCUMENT.length} characters, sha256:[0-9a-f]{16}…\\)$`));
  });

  it('pages with cursors and filters by action, target and time', async () => {
    const all = (await entries()).nodes;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Awaited<ReturnType<typeof entries>> = await entries({ first: 4, after });
      seen.push(...page.nodes.map((entry) => entry.id));
      if (!page.pageInfo.hasNextPage) break;
      expect(page.nodes).toHaveLength(4);
      after = page.pageInfo.endCursor;
      expect(page.edges.at(-1)?.cursor).toBe(after);
    }
    expect(seen).toEqual(all.map((entry) => entry.id));
    expect((await entries({ filter: { target: 'plan:audited' } })).nodes.map((entry) => entry.action)).toEqual(['deletePlan', 'updatePlan', 'createPlan']);
    expect((await entries({ filter: { to: startedAt.toISOString() } })).nodes.every((entry) => new Date(entry.at) < startedAt)).toBe(true);

    const bad = await run('{ auditLog(after: "bm90LWEtY3Vyc29y") { nodes { id } } }');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('offers no way to change or delete an entry, and deletes entries past the retention', async () => {
    const introspection = await ok<{ __schema: { mutationType: { fields: Array<{ name: string }> } } }>('{ __schema { mutationType { fields { name } } } }');
    expect(introspection.__schema.mutationType.fields.map((field) => field.name).filter((name) => /audit/i.test(name))).toEqual([]);
    const before = (await entries()).nodes.length;
    expect(await gatehouse.gatehouse.audit.prune(Date.now())).toBe(0);
    expect(await gatehouse.gatehouse.audit.prune(Date.now() + 366 * 86_400_000)).toBeGreaterThanOrEqual(before);
    // The query just above was no mutation: nothing new was recorded.
    expect((await entries()).nodes).toEqual([]);
  });
});
