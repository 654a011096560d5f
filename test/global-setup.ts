import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openStore } from '../src/store/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated, empty embedded data dir that tests copy instead of creating their own (seconds each). */
    templateDataDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-template-'));
  const store = await openStore({ engine: 'embedded', dataDir: dir });
  await store.close();
  project.provide('templateDataDir', dir);
  return () => rm(dir, { recursive: true, force: true });
}
