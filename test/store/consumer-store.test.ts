import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/consumers/api-keys.js';
import { trustedDocumentHash } from '../../src/consumers/trusted-documents.js';
import { openStore, StoreError, StoreRejection, type PlanInput, type Store } from '../../src/store/index.js';
import { storeEngines, type FreshStorage } from './engines.js';

function planInput(name: string, overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    name,
    rateLimitPoints: 100,
    rateLimitWindowSeconds: 1,
    quotaPeriod: 'MONTH',
    quotaCostPoints: null,
    quotaRequests: 10_000,
    maxCost: 500,
    maxDepth: null,
    introspectionAllowed: false,
    trustedDocumentsOnly: false,
    ...overrides,
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<StoreRejection> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StoreRejection);
  return error as StoreRejection;
}

describe.each(storeEngines)('$name store: plans, consumers, keys, trusted documents', (engine) => {
  // One store per engine (opening PGlite takes seconds); tests use their own names.
  let storage: FreshStorage;
  let store: Store;

  beforeAll(async () => {
    storage = await engine.freshStorage();
    store = await openStore(storage.config);
  });

  afterAll(async () => {
    await store?.close();
    await storage?.dispose();
  });

  it('creates, reads, updates, lists and deletes plans', async () => {
    const created = await store.createPlan(planInput('plan-b', { quotaPeriod: 'DAY', trustedDocumentsOnly: true }));
    await store.createPlan(planInput('plan-a'));

    expect(created).toEqual({
      ...planInput('plan-b', { quotaPeriod: 'DAY', trustedDocumentsOnly: true }),
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    expect(await store.getPlan({ name: 'plan-b' })).toEqual(created);
    expect(await store.getPlan({ id: created.id })).toEqual(created);
    expect(await store.getPlan({ name: 'nope' })).toBeUndefined();
    expect((await store.listPlans()).map((plan) => plan.name).filter((name) => name.startsWith('plan-'))).toEqual(['plan-a', 'plan-b']);

    // Absent fields keep their value; null clears a limit.
    const updated = await store.updatePlan('plan-b', { maxCost: null, rateLimitPoints: 7 });
    expect(updated).toMatchObject({ id: created.id, maxCost: null, rateLimitPoints: 7, quotaRequests: 10_000, quotaPeriod: 'DAY' });
    expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
    expect(await store.updatePlan('nope', { maxCost: 1 })).toBeUndefined();

    expect(await store.deletePlan('plan-a')).toBe(true);
    expect(await store.deletePlan('plan-a')).toBe(false);
    expect(await store.getPlan({ name: 'plan-a' })).toBeUndefined();
  });

  it('refuses a duplicate plan name and deleting a plan in use', async () => {
    const plan = await store.createPlan(planInput('used'));
    expect((await rejectionOf(store.createPlan(planInput('used')))).reason).toBe('name-taken');

    await store.createConsumer({ name: 'uses-plan', planId: plan.id, disabled: false });
    const inUse = await rejectionOf(store.deletePlan('used'));
    expect(inUse.reason).toBe('plan-in-use');
    expect(inUse.message).toBe('Plan "used" is used by consumers.');
    expect(await store.getPlan({ name: 'used' })).toEqual(plan);

    await store.deleteConsumer('uses-plan');
    expect(await store.deletePlan('used')).toBe(true);
  });

  it('creates, updates and deletes consumers; names are unique and plans must exist', async () => {
    const basic = await store.createPlan(planInput('c-basic'));
    const pro = await store.createPlan(planInput('c-pro'));
    const consumer = await store.createConsumer({ name: 'acme.web', planId: basic.id, disabled: false });
    expect(consumer).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'acme.web',
      planId: basic.id,
      disabled: false,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    expect(await store.getConsumer({ name: 'acme.web' })).toEqual(consumer);
    expect(await store.getConsumer({ id: consumer.id })).toEqual(consumer);

    expect((await rejectionOf(store.createConsumer({ name: 'acme.web', planId: basic.id, disabled: false }))).reason).toBe('name-taken');
    const missingPlan = '00000000-0000-4000-8000-000000000000';
    expect((await rejectionOf(store.createConsumer({ name: 'orphan', planId: missingPlan, disabled: false }))).reason).toBe('plan-missing');
    expect((await rejectionOf(store.updateConsumer('acme.web', { planId: missingPlan }))).reason).toBe('plan-missing');

    expect(await store.updateConsumer('acme.web', { planId: pro.id })).toMatchObject({ planId: pro.id, disabled: false });
    expect(await store.updateConsumer('acme.web', { disabled: true })).toMatchObject({ planId: pro.id, disabled: true });
    expect(await store.updateConsumer('nope', { disabled: true })).toBeUndefined();

    expect(await store.deleteConsumer('acme.web')).toBe(true);
    expect(await store.deleteConsumer('acme.web')).toBe(false);
    expect(await store.getConsumer({ name: 'acme.web' })).toBeUndefined();
  });

  it('pages through consumers by name with cursors and a total count', async () => {
    // A store of its own: the shared one holds other tests' consumers.
    const own = await engine.freshStorage();
    const pagedStore = await openStore(own.config);
    try {
      const plan = await pagedStore.createPlan(planInput('paged'));
      for (const name of ['e', 'c', 'a', 'd', 'b']) await pagedStore.createConsumer({ name, planId: plan.id, disabled: false });

      const first = await pagedStore.listConsumers({ first: 2 });
      expect(first.items.map((consumer) => consumer.name)).toEqual(['a', 'b']);
      expect(first.totalCount).toBe(5);
      expect(first.endCursor).toEqual(expect.any(String));
      const second = await pagedStore.listConsumers({ first: 2, after: first.endCursor });
      expect(second.items.map((consumer) => consumer.name)).toEqual(['c', 'd']);
      const third = await pagedStore.listConsumers({ first: 2, after: second.endCursor });
      expect(third.items.map((consumer) => consumer.name)).toEqual(['e']);
      expect(third.endCursor).toBeNull();
      expect(third.totalCount).toBe(5);

      const exact = await pagedStore.listConsumers({ first: 5 });
      expect(exact.items).toHaveLength(5);
      expect(exact.endCursor).toBeNull();
      expect((await pagedStore.listConsumers({ first: 0 })).items).toEqual([]);

      expect((await rejectionOf(pagedStore.listConsumers({ first: 2, after: 'not a cursor!' }))).reason).toBe('bad-cursor');
      await expect(pagedStore.listConsumers({ first: -1 })).rejects.toThrow(StoreError);
    } finally {
      await pagedStore.close();
      await own.dispose();
    }
  });

  it('stores key hashes, finds the owner in one lookup, revokes and expires keys', async () => {
    const plan = await store.createPlan(planInput('k-plan', { maxDepth: 8 }));
    const consumer = await store.createConsumer({ name: 'key-owner', planId: plan.id, disabled: false });
    const generated = generateApiKey();
    const key = await store.insertApiKey({ consumerId: consumer.id, prefix: generated.prefix, keyHash: generated.keyHash, label: 'ci', expiresAt: null });
    expect(key).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      consumerId: consumer.id,
      prefix: generated.prefix,
      keyHash: generated.keyHash,
      label: 'ci',
      createdAt: expect.any(Date),
      expiresAt: null,
      revokedAt: null,
    });

    expect(await store.findKeyOwner(generated.keyHash)).toEqual({ key, consumer, plan });
    expect(await store.findKeyOwner(generateApiKey().keyHash)).toBeUndefined();
    expect(await store.getApiKey(key.id)).toEqual(key);

    const second = await store.insertApiKey({ ...generateApiKey(), consumerId: consumer.id, label: null, expiresAt: new Date('2030-01-01T00:00:00Z') });
    expect((await store.listApiKeys(consumer.id)).map((listed) => listed.id)).toEqual([key.id, second.id]);

    const expiresAt = new Date(Date.now() + 3_600_000);
    expect(await store.setApiKeyExpiry(key.id, expiresAt)).toMatchObject({ id: key.id, expiresAt });
    expect(await store.setApiKeyExpiry(key.id, null)).toMatchObject({ expiresAt: null });

    const revoked = await store.revokeApiKey(key.id);
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    // Revoking again keeps the first time; the owner is still found, for the caller to refuse.
    expect((await store.revokeApiKey(key.id))?.revokedAt).toEqual(revoked?.revokedAt);
    expect((await store.findKeyOwner(generated.keyHash))?.key.revokedAt).toEqual(revoked?.revokedAt);

    const unknownId = '00000000-0000-4000-8000-000000000000';
    expect(await store.revokeApiKey(unknownId)).toBeUndefined();
    expect(await store.setApiKeyExpiry(unknownId, null)).toBeUndefined();
    expect(await store.getApiKey(unknownId)).toBeUndefined();
  });

  it('refuses a second key with the same hash', async () => {
    const plan = await store.createPlan(planInput('dup-key'));
    const consumer = await store.createConsumer({ name: 'dup-key', planId: plan.id, disabled: false });
    const generated = generateApiKey();
    await store.insertApiKey({ ...generated, consumerId: consumer.id, label: null, expiresAt: null });
    await expect(store.insertApiKey({ ...generated, consumerId: consumer.id, label: null, expiresAt: null })).rejects.toThrow(StoreError);
  });

  it('deletes a consumer together with its keys', async () => {
    const plan = await store.createPlan(planInput('cascade'));
    const consumer = await store.createConsumer({ name: 'cascaded', planId: plan.id, disabled: false });
    const generated = generateApiKey();
    const key = await store.insertApiKey({ ...generated, consumerId: consumer.id, label: null, expiresAt: null });

    expect(await store.deleteConsumer('cascaded')).toBe(true);
    expect(await store.getApiKey(key.id)).toBeUndefined();
    expect(await store.findKeyOwner(generated.keyHash)).toBeUndefined();
    expect(await store.listApiKeys(consumer.id)).toEqual([]);
  });

  it('adds trusted documents idempotently, reads, lists and removes them', async () => {
    const texts = ['query A { a }', 'query B { b }'];
    const inputs = texts.map((document) => ({ hash: trustedDocumentHash(document), document }));
    const added = await store.addTrustedDocuments(inputs);
    expect(added).toEqual(inputs.map((input) => ({ ...input, createdAt: expect.any(Date) })));

    // Adding again (with one new document) keeps the first records.
    const third = { hash: trustedDocumentHash('query C { c }'), document: 'query C { c }' };
    const again = await store.addTrustedDocuments([inputs[1]!, third, inputs[1]!]);
    expect(again[0]).toEqual(added[1]);
    expect(again[1]).toMatchObject(third);
    expect(again[2]).toEqual(added[1]);
    expect(await store.addTrustedDocuments([])).toEqual([]);

    expect(await store.getTrustedDocument(inputs[0]!.hash)).toEqual(added[0]);
    expect((await store.listTrustedDocuments()).map((document) => document.hash)).toEqual(
      expect.arrayContaining([...inputs.map((input) => input.hash), third.hash]),
    );
    expect(await store.removeTrustedDocument(inputs[0]!.hash)).toBe(true);
    expect(await store.removeTrustedDocument(inputs[0]!.hash)).toBe(false);
    expect(await store.getTrustedDocument(inputs[0]!.hash)).toBeUndefined();
  });

  // Last, because it replaces the shared store with a reopened one.
  it('keeps plans, consumers, keys and documents across close and reopen', async () => {
    const plan = await store.createPlan(planInput('kept-plan', { introspectionAllowed: true }));
    const consumer = await store.createConsumer({ name: 'kept-consumer', planId: plan.id, disabled: true });
    const generated = generateApiKey();
    const key = await store.insertApiKey({ ...generated, consumerId: consumer.id, label: 'kept', expiresAt: null });
    const [document] = await store.addTrustedDocuments([{ hash: trustedDocumentHash('{ kept }'), document: '{ kept }' }]);

    await store.close();
    store = await openStore(storage.config);

    expect(await store.findKeyOwner(generated.keyHash)).toEqual({ key, consumer, plan });
    expect(await store.getTrustedDocument(document!.hash)).toEqual(document);
  });
});
