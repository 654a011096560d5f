import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_PATTERN } from '../../src/consumers/api-keys.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import {
  CREATE_CONSUMER,
  CREATE_PLAN,
  ISSUE_KEY,
  KEY_FIELDS,
  ROTATE_KEY,
  type IssuedKey,
  type KeyView,
} from './operations.js';

const REVOKE_KEY = /* GraphQL */ `mutation Revoke($id: ID!) { revokeApiKey(id: $id) { ${KEY_FIELDS} } }`;
const CONSUMER_KEYS = /* GraphQL */ `query Keys($name: String!) { consumer(name: $name) { apiKeys { ${KEY_FIELDS} } } }`;

function errorOf(result: { body: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }) {
  expect(result.body.errors).toHaveLength(1);
  return result.body.errors![0]!;
}

describe('admin API: plans, consumers and API keys', () => {
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse();
  });
  afterAll(async () => {
    await gatehouse?.close();
  });

  async function issueKey(consumer: string, extra: Record<string, unknown> = {}): Promise<IssuedKey> {
    const issued = await gatehouse.admin<{ issueApiKey: IssuedKey }>(ISSUE_KEY, { input: { consumer, ...extra } });
    expect(issued.body.errors).toBeUndefined();
    return issued.body.data!.issueApiKey;
  }

  async function keysOf(consumer: string): Promise<KeyView[]> {
    const result = await gatehouse.admin<{ consumer: { apiKeys: KeyView[] } }>(CONSUMER_KEYS, { name: consumer });
    expect(result.body.errors).toBeUndefined();
    return result.body.data!.consumer.apiKeys;
  }

  it('creates a plan and a consumer on it, and issues a key shown once', async () => {
    const plan = await gatehouse.admin(CREATE_PLAN, {
      input: { name: 'gold', rateLimitPoints: 100, quotaPeriod: 'DAY', quotaRequests: 50_000, maxCost: 1000, maxDepth: 10 },
    });
    expect(plan.body).toEqual({
      data: {
        createPlan: {
          id: expect.any(String),
          name: 'gold',
          rateLimitPoints: 100,
          rateLimitWindowSeconds: 1,
          quotaPeriod: 'DAY',
          quotaCostPoints: null,
          quotaRequests: 50_000,
          maxCost: 1000,
          maxDepth: 10,
          introspectionAllowed: false,
          trustedDocumentsOnly: false,
        },
      },
    });

    const consumer = await gatehouse.admin(CREATE_CONSUMER, { input: { name: 'acme.web', plan: 'gold' } });
    expect(consumer.body).toEqual({ data: { createConsumer: { name: 'acme.web', disabled: false, plan: { name: 'gold' }, apiKeys: [] } } });

    const issued = await issueKey('acme.web', { label: 'production' });
    expect(issued.key).toMatch(API_KEY_PATTERN);
    expect(issued.key).toMatch(/^gh_live_[0-9A-Za-z]{8}_[0-9A-Za-z]{32,}$/);
    expect(issued.apiKey).toEqual({
      id: expect.any(String),
      prefix: issued.key.slice(0, 'gh_live_'.length + 8),
      label: 'production',
      status: 'ACTIVE',
      createdAt: expect.any(String),
      expiresAt: null,
      revokedAt: null,
      consumer: { name: 'acme.web' },
    });
    expect(await keysOf('acme.web')).toEqual([issued.apiKey]);
    // Two keys never share a prefix or a secret.
    const other = await issueKey('acme.web');
    expect(other.apiKey.prefix).not.toBe(issued.apiKey.prefix);
    expect(other.key.split('_')[3]).not.toBe(issued.key.split('_')[3]);
  });

  it('updates a plan: absent fields stay, null removes a limit', async () => {
    await gatehouse.admin(CREATE_PLAN, { input: { name: 'editable', rateLimitPoints: 10, maxCost: 100 } });
    const updated = await gatehouse.admin<{ updatePlan: Record<string, unknown> }>(
      /* GraphQL */ `mutation U($input: UpdatePlanInput!) { updatePlan(input: $input) { name rateLimitPoints maxCost introspectionAllowed } }`,
      { input: { name: 'editable', maxCost: null, introspectionAllowed: true } },
    );
    expect(updated.body).toEqual({ data: { updatePlan: { name: 'editable', rateLimitPoints: 10, maxCost: null, introspectionAllowed: true } } });
    const listed = await gatehouse.admin<{ plans: Array<{ name: string }>; plan: { maxCost: number | null } }>(
      '{ plans { name } plan(name: "editable") { maxCost } }',
    );
    expect(listed.body.data?.plans.map((plan) => plan.name)).toContain('editable');
    expect(listed.body.data?.plan).toEqual({ maxCost: null });
  });

  it('moves a consumer to another plan and disables it', async () => {
    await gatehouse.admin(CREATE_PLAN, { input: { name: 'move-from' } });
    await gatehouse.admin(CREATE_PLAN, { input: { name: 'move-to' } });
    await gatehouse.admin(CREATE_CONSUMER, { input: { name: 'mover', plan: 'move-from' } });
    const moved = await gatehouse.admin(
      /* GraphQL */ `mutation U($input: UpdateConsumerInput!) { updateConsumer(input: $input) { name disabled plan { name } } }`,
      { input: { name: 'mover', plan: 'move-to', disabled: true } },
    );
    expect(moved.body).toEqual({ data: { updateConsumer: { name: 'mover', disabled: true, plan: { name: 'move-to' } } } });
  });

  it('revokes a key at once', async () => {
    await gatehouse.admin(CREATE_PLAN, { input: { name: 'revocable' } });
    await gatehouse.admin(CREATE_CONSUMER, { input: { name: 'revoker', plan: 'revocable' } });
    const issued = await issueKey('revoker');

    const revoked = await gatehouse.admin<{ revokeApiKey: KeyView }>(REVOKE_KEY, { id: issued.apiKey.id });
    expect(revoked.body.data?.revokeApiKey).toMatchObject({ id: issued.apiKey.id, status: 'REVOKED', revokedAt: expect.any(String) });
    const again = await gatehouse.admin<{ revokeApiKey: KeyView }>(REVOKE_KEY, { id: issued.apiKey.id });
    expect(again.body.data?.revokeApiKey.revokedAt).toBe(revoked.body.data?.revokeApiKey.revokedAt);
    expect((await keysOf('revoker')).map((key) => key.status)).toEqual(['REVOKED']);

    const rotated = await gatehouse.admin(ROTATE_KEY, { input: { id: issued.apiKey.id } });
    expect(errorOf(rotated).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.id' });
  });

  it('rotates a key: a new active key, the old one expiring after the overlap', async () => {
    await gatehouse.admin(CREATE_PLAN, { input: { name: 'rotating' } });
    await gatehouse.admin(CREATE_CONSUMER, { input: { name: 'rotator', plan: 'rotating' } });
    const old = await issueKey('rotator', { label: 'ci' });

    const before = Date.now();
    const rotated = await gatehouse.admin<{ rotateApiKey: IssuedKey }>(ROTATE_KEY, { input: { id: old.apiKey.id, overlapSeconds: 600 } });
    const after = Date.now();
    expect(rotated.body.errors).toBeUndefined();
    const fresh = rotated.body.data!.rotateApiKey;
    expect(fresh.key).toMatch(API_KEY_PATTERN);
    expect(fresh.key).not.toBe(old.key);
    expect(fresh.apiKey).toMatchObject({ status: 'ACTIVE', label: 'ci', expiresAt: null, consumer: { name: 'rotator' } });

    const keys = await keysOf('rotator');
    const oldNow = keys.find((key) => key.id === old.apiKey.id)!;
    expect(oldNow.status).toBe('ACTIVE');
    const expiresAt = Date.parse(oldNow.expiresAt!);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 600_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + 600_000 + 1000);
    expect(keys.map((key) => key.id)).toEqual([old.apiKey.id, fresh.apiKey.id]);

    // The default overlap is an hour; rotating again never extends the old key.
    const second = await gatehouse.admin<{ rotateApiKey: IssuedKey }>(ROTATE_KEY, { input: { id: old.apiKey.id } });
    expect(second.body.errors).toBeUndefined();
    expect((await keysOf('rotator')).find((key) => key.id === old.apiKey.id)?.expiresAt).toBe(oldNow.expiresAt);
  });

  it('shows a key whose expiry has passed as EXPIRED', async () => {
    await gatehouse.admin(CREATE_PLAN, { input: { name: 'expiring' } });
    await gatehouse.admin(CREATE_CONSUMER, { input: { name: 'expirer', plan: 'expiring' } });
    const old = await issueKey('expirer');
    const rotated = await gatehouse.admin(ROTATE_KEY, { input: { id: old.apiKey.id, overlapSeconds: 0 } });
    expect(rotated.body.errors).toBeUndefined();
    const keys = await keysOf('expirer');
    expect(keys.map((key) => [key.id, key.status])).toEqual([
      [old.apiKey.id, 'EXPIRED'],
      [expect.any(String), 'ACTIVE'],
    ]);

    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await issueKey('expirer', { expiresAt: future })).apiKey).toMatchObject({ status: 'ACTIVE', expiresAt: future });
  });

  it('refuses to delete a plan in use, and deletes it once unused', async () => {
    await gatehouse.admin(CREATE_PLAN, { input: { name: 'in-use' } });
    await gatehouse.admin(CREATE_CONSUMER, { input: { name: 'user-of-plan', plan: 'in-use' } });
    const DELETE_PLAN = /* GraphQL */ `mutation D($name: String!) { deletePlan(name: $name) }`;

    const refused = await gatehouse.admin(DELETE_PLAN, { name: 'in-use' });
    expect(errorOf(refused).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(errorOf(refused).message).toContain('used by consumers');

    const deleted = await gatehouse.admin(/* GraphQL */ `mutation D($name: String!) { deleteConsumer(name: $name) }`, { name: 'user-of-plan' });
    expect(deleted.body).toEqual({ data: { deleteConsumer: 'user-of-plan' } });
    expect((await gatehouse.admin(DELETE_PLAN, { name: 'in-use' })).body).toEqual({ data: { deletePlan: 'in-use' } });
    expect(errorOf(await gatehouse.admin(DELETE_PLAN, { name: 'in-use' })).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'name' });
  });

  it('deletes a consumer with its keys', async () => {
    await gatehouse.admin(CREATE_PLAN, { input: { name: 'doomed-plan' } });
    await gatehouse.admin(CREATE_CONSUMER, { input: { name: 'doomed', plan: 'doomed-plan' } });
    const issued = await issueKey('doomed');

    const deleted = await gatehouse.admin(/* GraphQL */ `mutation D($name: String!) { deleteConsumer(name: $name) }`, { name: 'doomed' });
    expect(deleted.body).toEqual({ data: { deleteConsumer: 'doomed' } });
    expect((await gatehouse.admin('{ consumer(name: "doomed") { name } }')).body).toEqual({ data: { consumer: null } });
    // The key went with it: it cannot be found, and a new consumer of that name starts without keys.
    expect(errorOf(await gatehouse.admin(REVOKE_KEY, { id: issued.apiKey.id })).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    await gatehouse.admin(CREATE_CONSUMER, { input: { name: 'doomed', plan: 'doomed-plan' } });
    expect(await keysOf('doomed')).toEqual([]);
  });

  it.each([
    ['a negative rate limit', CREATE_PLAN, { input: { name: 'bad', rateLimitPoints: -5 } }, 'BAD_USER_INPUT', 'input.rateLimitPoints'],
    ['a zero window', CREATE_PLAN, { input: { name: 'bad', rateLimitWindowSeconds: 0 } }, 'BAD_USER_INPUT', 'input.rateLimitWindowSeconds'],
    ['an unknown quotaPeriod', CREATE_PLAN, { input: { name: 'bad', quotaPeriod: 'WEEK' } }, 'BAD_USER_INPUT', 'input.quotaPeriod'],
    ['an empty plan name', CREATE_PLAN, { input: { name: '' } }, 'BAD_USER_INPUT', 'input.name'],
    ['a duplicate plan name', CREATE_PLAN, { input: { name: 'gold' } }, 'BAD_USER_INPUT', 'input.name'],
    ['an empty consumer name', CREATE_CONSUMER, { input: { name: '', plan: 'gold' } }, 'BAD_USER_INPUT', 'input.name'],
    ['a duplicate consumer name', CREATE_CONSUMER, { input: { name: 'acme.web', plan: 'gold' } }, 'BAD_USER_INPUT', 'input.name'],
    ['an unknown plan', CREATE_CONSUMER, { input: { name: 'planless', plan: 'platinum' } }, 'BAD_USER_INPUT', 'input.plan'],
    ['a key for an unknown consumer', ISSUE_KEY, { input: { consumer: 'nobody' } }, 'NOT_FOUND', 'input.consumer'],
    ['a key expiring in the past', ISSUE_KEY, { input: { consumer: 'acme.web', expiresAt: '2001-01-01T00:00:00Z' } }, 'BAD_USER_INPUT', 'input.expiresAt'],
    ['a key with a malformed expiry', ISSUE_KEY, { input: { consumer: 'acme.web', expiresAt: 'soon' } }, 'BAD_USER_INPUT', 'input.expiresAt'],
    ['rotating a malformed id', ROTATE_KEY, { input: { id: 'abc' } }, 'BAD_USER_INPUT', 'input.id'],
    ['rotating an unknown key', ROTATE_KEY, { input: { id: '00000000-0000-4000-8000-000000000000' } }, 'NOT_FOUND', 'input.id'],
    ['a negative overlap', ROTATE_KEY, { input: { id: '00000000-0000-4000-8000-000000000000', overlapSeconds: -1 } }, 'BAD_USER_INPUT', 'input.overlapSeconds'],
  ])('refuses %s', async (_label, operation, variables, code, field) => {
    const result = await gatehouse.admin(operation, variables);
    const error = errorOf(result);
    expect(error.extensions).toMatchObject({ code, field });
    if (code === 'BAD_USER_INPUT') expect(error.message).toContain(field);
    expect(result.body.data ?? null).toBeNull();
    expect(JSON.stringify(result.body)).not.toMatch(/at .*\.ts:\d+|stack|SQL|violat/i);
  });

  it('answers NOT_FOUND for updates of unknown plans and consumers, and null for unknown names', async () => {
    const plan = await gatehouse.admin(`mutation { updatePlan(input: { name: "nope", maxCost: 1 }) { name } }`);
    expect(errorOf(plan).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.name' });
    const consumer = await gatehouse.admin(`mutation { updateConsumer(input: { name: "nope", disabled: true }) { name } }`);
    expect(errorOf(consumer).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.name' });
    expect((await gatehouse.admin('{ plan(name: "nope") { name } consumer(name: "nope") { name } }')).body).toEqual({
      data: { plan: null, consumer: null },
    });
  });
});

describe('admin API: consumers are listed a page at a time', () => {
  let gatehouse: RunningGatehouse;
  const PAGE = /* GraphQL */ `
    query Page($first: Int, $after: String) {
      consumers(first: $first, after: $after) {
        totalCount
        pageInfo { endCursor hasNextPage }
        edges { cursor node { name } }
        nodes { name plan { name } }
      }
    }
  `;
  interface PageResult {
    consumers: {
      totalCount: number;
      pageInfo: { endCursor: string | null; hasNextPage: boolean };
      edges: Array<{ cursor: string; node: { name: string } }>;
      nodes: Array<{ name: string; plan: { name: string } }>;
    };
  }

  beforeAll(async () => {
    gatehouse = await startGatehouse();
    await gatehouse.admin(CREATE_PLAN, { input: { name: 'paged' } });
    for (const name of ['eve', 'carol', 'alice', 'dave', 'bob']) await gatehouse.admin(CREATE_CONSUMER, { input: { name, plan: 'paged' } });
  });
  afterAll(async () => {
    await gatehouse?.close();
  });

  it('pages through all consumers by name with cursors, hasNextPage and totalCount', async () => {
    const pages: PageResult['consumers'][] = [];
    let after: string | null = null;
    do {
      const result = await gatehouse.admin<PageResult>(PAGE, { first: 2, after });
      expect(result.body.errors).toBeUndefined();
      const page: PageResult['consumers'] = result.body.data!.consumers;
      pages.push(page);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after !== null && pages.length < 10);

    expect(pages.map((page) => page.nodes.map((node) => node.name))).toEqual([['alice', 'bob'], ['carol', 'dave'], ['eve']]);
    expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, false]);
    expect(pages.every((page) => page.totalCount === 5)).toBe(true);
    expect(pages[0]!.nodes[0]!.plan).toEqual({ name: 'paged' });
    for (const page of pages) {
      expect(page.edges.map((edge) => edge.node.name)).toEqual(page.nodes.map((node) => node.name));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
    }
    // Any edge's cursor continues after that edge.
    const fromBob = await gatehouse.admin<PageResult>(PAGE, { first: 1, after: pages[0]!.edges[1]!.cursor });
    expect(fromBob.body.data?.consumers.nodes.map((node) => node.name)).toEqual(['carol']);

    const all = await gatehouse.admin<PageResult>(PAGE, {});
    expect(all.body.data?.consumers).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: false } });
    expect(all.body.data?.consumers.nodes).toHaveLength(5);
  });

  it.each([
    ['first: 0', { first: 0 }, 'first'],
    ['first: 101', { first: 101 }, 'first'],
    ['a cursor it did not make', { first: 2, after: '!!' }, 'after'],
  ])('refuses %s with BAD_USER_INPUT', async (_label, variables, field) => {
    const result = await gatehouse.admin(PAGE, variables);
    expect(errorOf(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('admin API: trusted documents', () => {
  let gatehouse: RunningGatehouse;
  const ADD = /* GraphQL */ `mutation Add($documents: [String!]!) { addTrustedDocuments(documents: $documents) }`;
  const LIST = '{ trustedDocuments { hash document createdAt } }';
  const REMOVE = /* GraphQL */ `mutation Remove($hash: String!) { removeTrustedDocument(hash: $hash) }`;

  beforeAll(async () => {
    gatehouse = await startGatehouse();
  });
  afterAll(async () => {
    await gatehouse?.close();
  });

  it('adds documents under the sha256 of their exact text, lists and removes them', async () => {
    const documents = ['query Me { me { id } }', 'query Me { me { id } }\n'];
    // Computed independently: `sha256:` + hex of the UTF-8 bytes, whitespace included.
    const { createHash } = await import('node:crypto');
    const expected = documents.map((text) => `sha256:${createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex')}`);
    expect(expected[0]).not.toBe(expected[1]);

    const added = await gatehouse.admin(ADD, { documents });
    expect(added.body).toEqual({ data: { addTrustedDocuments: expected } });
    // Idempotent: adding again returns the same hashes and stores nothing twice.
    expect((await gatehouse.admin(ADD, { documents: [documents[0]] })).body).toEqual({ data: { addTrustedDocuments: [expected[0]] } });

    const listed = await gatehouse.admin<{ trustedDocuments: Array<{ hash: string; document: string }> }>(LIST);
    expect(listed.body.data?.trustedDocuments).toEqual([
      { hash: expected[0], document: documents[0], createdAt: expect.any(String) },
      { hash: expected[1], document: documents[1], createdAt: expect.any(String) },
    ]);

    expect((await gatehouse.admin(REMOVE, { hash: expected[0] })).body).toEqual({ data: { removeTrustedDocument: expected[0] } });
    const again = await gatehouse.admin(REMOVE, { hash: expected[0] });
    expect(errorOf(again).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'hash' });
    const after = await gatehouse.admin<{ trustedDocuments: Array<{ hash: string }> }>(LIST);
    expect(after.body.data?.trustedDocuments.map((document) => document.hash)).toEqual([expected[1]]);
  });

  it.each([
    ['an empty list', ADD, { documents: [] }, 'documents'],
    ['an empty document', ADD, { documents: ['{ a }', ''] }, 'documents.1'],
    ['a malformed hash', REMOVE, { hash: 'md5:abc' }, 'hash'],
  ])('refuses %s with BAD_USER_INPUT', async (_label, operation, variables, field) => {
    const result = await gatehouse.admin(operation, variables);
    expect(errorOf(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});
