import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, StoreError } from '../../src/store/index.js';
import { embeddedEngine, type FreshStorage } from './engines.js';

const writer = fileURLToPath(new URL('./fixtures/write-then-wait.ts', import.meta.url));

describe('embedded store', () => {
  let storage: FreshStorage;
  let dataDir: string;

  // One data dir for both tests: the writer's first open initialises it (seconds
  // in WASM) and the second test only needs an existing one.
  beforeAll(async () => {
    storage = await embeddedEngine.freshStorage();
    if (storage.config.engine !== 'embedded') throw new Error('expected an embedded config');
    dataDir = storage.config.dataDir;
  });

  afterAll(async () => {
    await storage.dispose();
  });

  it('keeps an acknowledged write when the process is killed right after', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    try {
      await new Promise<void>((resolve, reject) => {
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          if (stdout.includes('ACK\n')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`writer exited with ${code} before ACK:\n${stderr}`)));
      });
      // While the writer lives, its data dir is not ours to open.
      await expect(openStore(storage.config)).rejects.toThrow(
        new RegExp(`in use by process ${child.pid}`),
      );
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(child.signalCode).toBe('SIGKILL');

    const store = await openStore(storage.config);
    try {
      expect(await store.getBackend('survivor')).toMatchObject({ headers: { authorization: 'Bearer t0ken' } });
      expect(await store.latestSchemaVersion()).toMatchObject({ version: 1, backendNames: ['survivor'] });
      expect(await store.getSetting('instance-id')).toBe('from-child');
    } finally {
      await store.close();
    }
  });

  it('refuses a second open of its data dir until the first is closed', async () => {
    const store = await openStore(storage.config);
    try {
      await expect(openStore(storage.config)).rejects.toThrow(StoreError);
      await expect(openStore(storage.config)).rejects.toThrow(/already open in this process/);
    } finally {
      await store.close();
    }
    const reopened = await openStore(storage.config);
    await reopened.close();
  });
});
