import { rm } from 'node:fs/promises';
import { startDemo, type RunningDemo } from '../../scripts/start-demo.js';
import { freshDataDir } from './gatehouse.js';

/**
 * `npm run demo`'s demo, started in this process on free ports with a fresh data dir (removed on
 * close): the same services, registrations, plans, key and GraphiQL pages.
 */
export async function startTestDemo(): Promise<RunningDemo> {
  const dataDir = await freshDataDir();
  const demo = await startDemo({
    port: 0,
    subgraphsBasePort: 0,
    env: { HOST: '127.0.0.1', GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_LOG_LEVEL: process.env.GATEHOUSE_TEST_LOG_LEVEL ?? 'silent' },
  }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const close = async () => {
    await demo.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  return { ...demo, close, [Symbol.asyncDispose]: close };
}
