import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, StoreError, type Store } from '../../src/store/index.js';
import { backendInput, storeEngines, type FreshStorage } from './engines.js';

describe.each(storeEngines)('$name store', (engine) => {
  // One store per engine: PGlite's first open of a data dir takes seconds.
  // Tests use their own backend names and compare versions relative to what
  // they found, so they don't depend on one another.
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

  it('reports its engine', () => {
    expect(store.engine).toBe(engine.name);
  });

  it('saves, reads, lists and removes backends', async () => {
    const saved = await store.withRegistryLock((tx) => tx.upsertBackend(backendInput('crud-b')));
    await store.withRegistryLock((tx) => tx.upsertBackend(backendInput('crud-a')));

    expect(saved).toEqual({ ...backendInput('crud-b'), createdAt: expect.any(Date), updatedAt: expect.any(Date) });
    expect(await store.getBackend('crud-b')).toEqual(saved);
    const listed = (await store.listBackends()).filter((backend) => backend.name.startsWith('crud-'));
    expect(listed.map((backend) => backend.name)).toEqual(['crud-a', 'crud-b']);

    expect(await store.withRegistryLock((tx) => tx.removeBackend('crud-b'))).toBe(true);
    expect(await store.withRegistryLock((tx) => tx.removeBackend('crud-b'))).toBe(false);
    expect(await store.getBackend('crud-b')).toBeUndefined();
    expect(await store.getBackend('crud-a')).toBeDefined();
  });

  it('round-trips headers, timeouts and SDL exactly', async () => {
    const input = backendInput('round-trip', {
      headers: { authorization: 'Bearer "quoted" \\ ünïcødé', 'x-empty': '', 'X-Case': 'Kept' },
      timeoutMs: 2500,
      sdl: 'type Query {\n  "doc with \\"escapes\\" and ✓"\n  hello: String\n}\n',
      sdlSource: 'INTROSPECTED',
    });
    await store.withRegistryLock((tx) => tx.upsertBackend(input));

    const stored = await store.getBackend('round-trip');
    expect(stored).toMatchObject(input);
    expect(Object.keys(stored?.headers ?? {}).sort()).toEqual(['X-Case', 'authorization', 'x-empty']);
    expect(typeof stored?.timeoutMs).toBe('number');
  });

  it('round-trips an OpenAPI document and backend options (prefix, links) exactly', async () => {
    const { name, url, headers, timeoutMs, maxResponseBytes } = backendInput('rest');
    const input = {
      name,
      url,
      headers,
      forwardHeaders: ['x-tenant', 'accept-language'],
      timeoutMs,
      maxResponseBytes,
      kind: 'OPENAPI' as const,
      document: 'openapi: 3.0.3\ninfo: { title: "ü", version: "1" }\npaths: {}\n',
      documentUrl: 'http://127.0.0.1:4005/openapi.json',
      prefix: 'rest',
      exposeErrors: false,
      links: [{ type: 'Product', field: 'pricing', arguments: { skus: 'upc' }, batch: { operation: 'listPrices', argument: 'skus', maxBatchSize: 8 } }],
    };
    await store.withRegistryLock((tx) => tx.upsertBackend(input));
    expect(await store.getBackend('rest')).toMatchObject(input);
  });

  it('replaces a backend on upsert and keeps when it was created', async () => {
    const first = await store.withRegistryLock((tx) =>
      tx.upsertBackend(backendInput('replaced', { headers: { a: '1', b: '2' }, timeoutMs: 100 })),
    );
    const second = await store.withRegistryLock((tx) =>
      tx.upsertBackend(backendInput('replaced', { url: 'http://127.0.0.1:4002/graphql', headers: { c: '3' } })),
    );

    expect(second).toMatchObject({ url: 'http://127.0.0.1:4002/graphql', headers: { c: '3' }, timeoutMs: null });
    expect(second.createdAt).toEqual(first.createdAt);
    expect(second.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());
    expect(await store.getBackend('replaced')).toEqual(second);
  });

  it('numbers schema versions upward and reports the newest', async () => {
    const before = (await store.latestSchemaVersion())?.version ?? 0;
    const inserted = [];
    for (const names of [['a'], ['a', 'b'], []]) {
      inserted.push(
        await store.withRegistryLock((tx) =>
          tx.insertSchemaVersion({ supergraphSdl: `supergraph ${names}`, apiSdl: `api ${names}`, backendNames: names }),
        ),
      );
    }

    const versions = inserted.map((record) => record.version);
    expect(versions.every((version) => Number.isInteger(version))).toBe(true);
    expect(versions[0]).toBeGreaterThan(before);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(3);
    expect(inserted[1]).toMatchObject({ supergraphSdl: 'supergraph a,b', apiSdl: 'api a,b', backendNames: ['a', 'b'] });
    expect(inserted[1]?.composedAt).toBeInstanceOf(Date);

    expect(await store.latestSchemaVersion()).toEqual(inserted[2]);
    expect(await store.listSchemaVersions(2)).toEqual([inserted[2], inserted[1]]);
    expect(await store.listSchemaVersions(0)).toEqual([]);
    await expect(store.listSchemaVersions(-1)).rejects.toThrow(StoreError);
  });

  it('keeps nothing a throwing callback wrote and rethrows its error unchanged', async () => {
    const latestBefore = await store.latestSchemaVersion();
    const failure = new Error('composition refused');

    await expect(
      store.withRegistryLock(async (tx) => {
        await tx.upsertBackend(backendInput('rolled-back'));
        await tx.insertSchemaVersion({ supergraphSdl: 's', apiSdl: 'a', backendNames: ['rolled-back'] });
        expect(await tx.getBackend('rolled-back')).toBeDefined();
        throw failure;
      }),
    ).rejects.toBe(failure);

    expect(await store.getBackend('rolled-back')).toBeUndefined();
    expect(await store.latestSchemaVersion()).toEqual(latestBefore);
  });

  it('serialises concurrent registry writes so no read-modify-write is lost', async () => {
    await store.withRegistryLock((tx) => tx.upsertBackend(backendInput('counter', { timeoutMs: 1 })));

    const increments = 8;
    await Promise.all(
      Array.from({ length: increments }, () =>
        store.withRegistryLock(async (tx) => {
          const counter = await tx.getBackend('counter');
          // Widen the gap between read and write: without the lock, others would read the same value.
          await new Promise((resolve) => setTimeout(resolve, 5));
          await tx.upsertBackend(backendInput('counter', { timeoutMs: (counter?.timeoutMs ?? 0) + 1 }));
        }),
      ),
    );

    expect((await store.getBackend('counter'))?.timeoutMs).toBe(1 + increments);
  });

  it('keeps the first value of a setting', async () => {
    expect(await store.getSetting('first-wins')).toBeUndefined();
    expect(await store.setSettingIfAbsent('first-wins', 'one')).toBe('one');
    expect(await store.setSettingIfAbsent('first-wins', 'two')).toBe('one');
    expect(await store.getSetting('first-wins')).toBe('one');

    const racers = ['a', 'b', 'c', 'd', 'e'];
    const results = await Promise.all(racers.map((value) => store.setSettingIfAbsent('raced', value)));
    expect(new Set(results).size).toBe(1);
    expect(racers).toContain(results[0]);
    expect(await store.getSetting('raced')).toBe(results[0]);
  });

  it('refuses store calls from inside withRegistryLock instead of deadlocking', async () => {
    await expect(store.withRegistryLock(() => store.listBackends())).rejects.toThrow(
      /inside withRegistryLock\(\); use the transaction/,
    );
    await expect(store.withRegistryLock(() => store.withRegistryLock(async () => 1))).rejects.toThrow(StoreError);

    let leaked: Parameters<Parameters<Store['withRegistryLock']>[0]>[0] | undefined;
    await store.withRegistryLock(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.listBackends()).rejects.toThrow(/used after its callback returned/);

    expect(await store.withRegistryLock(async (tx) => (await tx.listBackends()).length)).toBeGreaterThan(0);
  });

  it('reports database failures as StoreErrors that carry no SQL', async () => {
    const error = await store
      .withRegistryLock((tx) => tx.upsertBackend(backendInput('too-slow', { timeoutMs: 2 ** 40 })))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toBe('Could not save backend "too-slow".');
    expect((error as StoreError).cause).toBeInstanceOf(Error);
    expect(await store.getBackend('too-slow')).toBeUndefined();
  });
  // Last, because it replaces the shared store with a reopened one.
  it('keeps everything across close and reopen, and closing twice is harmless', async () => {
    const backend = await store.withRegistryLock(async (tx) => {
      await tx.insertSchemaVersion({ supergraphSdl: 'v1', apiSdl: 'a1', backendNames: [] });
      return tx.upsertBackend(backendInput('kept', { headers: { 'x-token': 'secret' }, timeoutMs: 750 }));
    });
    const version = await store.withRegistryLock((tx) =>
      tx.insertSchemaVersion({ supergraphSdl: 'v2', apiSdl: 'a2', backendNames: ['kept'] }),
    );
    await store.setSettingIfAbsent('instance-id', 'abc');
    let releaseWriter!: () => void;
    const writerMayFinish = new Promise<void>((resolve) => (releaseWriter = resolve));
    const lateWrite = store.withRegistryLock(async (tx) => {
      await writerMayFinish;
      return tx.upsertBackend(backendInput('written-during-close'));
    });
    const closed = store;
    const closing = closed.close();
    // close() drains calls already running before it closes the connection.
    releaseWriter();
    await lateWrite;
    await closing;
    await closed.close();
    await expect(closed.listBackends()).rejects.toThrow(/after close\(\)/);

    // Reopening runs the migrations again: they must find nothing to do.
    store = await openStore(storage.config);
    expect(await store.getBackend('kept')).toEqual(backend);
    expect(await store.getBackend('written-during-close')).toBeDefined();
    expect(await store.latestSchemaVersion()).toEqual(version);
    expect(await store.getSetting('instance-id')).toBe('abc');
    const next = await store.withRegistryLock((tx) =>
      tx.insertSchemaVersion({ supergraphSdl: 'v3', apiSdl: 'a3', backendNames: ['kept'] }),
    );
    expect(next.version).toBeGreaterThan(version.version);
  });
});
