import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouseProcess } from '../helpers/gatehouse-process.js';
import { postGraphQL, REGISTER_BACKEND, TEST_ADMIN_TOKEN } from '../helpers/gatehouse.js';
import { catalog, greeter, products } from './fixtures.js';

const admin = (url: string, query: string, variables?: Record<string, unknown>) =>
  postGraphQL<Record<string, unknown>>(`${url}/admin/graphql`, query, variables, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` });

describe('the registry survives restarts', () => {
  let dataDir: string;
  const subgraphs: RunningSubgraph[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-durability-'));
    subgraphs.push(await serveSubgraph(catalog), await serveSubgraph(greeter));
  });
  afterAll(async () => {
    await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps a registration acknowledged right before kill -9, and after a clean restart', async () => {
    {
      await using first = await startGatehouseProcess({ GATEHOUSE_DATA_DIR: dataDir });
      const registered = await admin(first.url, REGISTER_BACKEND, { input: { name: 'catalog', kind: 'FEDERATION_SUBGRAPH', url: subgraphs[0]!.url } });
      expect(registered.body.errors).toBeUndefined();
      const second = await admin(first.url, REGISTER_BACKEND, { input: { name: 'greeter', kind: 'FEDERATION_SUBGRAPH', url: subgraphs[1]!.url } });
      expect(second.body.errors).toBeUndefined();
      // Killed the moment the write is acknowledged: no chance to flush or close.
      expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    }
    {
      await using restarted = await startGatehouseProcess({ GATEHOUSE_DATA_DIR: dataDir });
      const backends = await admin(restarted.url, '{ backends { name } schema { version backends } }');
      expect(backends.body.data).toEqual({
        backends: [{ name: 'catalog' }, { name: 'greeter' }],
        schema: { version: 2, backends: ['catalog', 'greeter'] },
      });
      const result = await postGraphQL(`${restarted.url}/graphql`, '{ greeting products { upc name } }');
      expect(result.body).toEqual({ data: { greeting: 'hello', products } });
      // SIGTERM: graceful shutdown exits 0.
      expect(await restarted.stop('SIGTERM')).toBe(0);
    }
    {
      await using again = await startGatehouseProcess({ GATEHOUSE_DATA_DIR: dataDir });
      const result = await postGraphQL(`${again.url}/graphql`, '{ greeting }');
      expect(result.body).toEqual({ data: { greeting: 'hello' } });
    }
  }, 90_000);

  it('generates an admin token at first start, prints it once and stores only its hash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-token-'));
    try {
      let token: string;
      {
        await using first = await startGatehouseProcess({ GATEHOUSE_DATA_DIR: dir, GATEHOUSE_ADMIN_TOKEN: '' });
        await new Promise((resolve) => setTimeout(resolve, 100));
        const match = first.output.match(/\b(gha_[A-Za-z0-9_-]{20,})\b/);
        expect(match).not.toBeNull();
        token = match![1]!;
        const ok = await postGraphQL(`${first.url}/admin/graphql`, '{ backends { name } }', undefined, { authorization: `Bearer ${token}` });
        expect(ok.body).toEqual({ data: { backends: [] } });
        await first.stop('SIGTERM');
      }
      {
        await using second = await startGatehouseProcess({ GATEHOUSE_DATA_DIR: dir, GATEHOUSE_ADMIN_TOKEN: '' });
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(second.output).not.toContain('gha_');
        const ok = await postGraphQL(`${second.url}/admin/graphql`, '{ backends { name } }', undefined, { authorization: `Bearer ${token}` });
        expect(ok.status).toBe(200);
      }
      // The plaintext is nowhere in the data dir: grep finds no file holding it.
      const grep = spawnSync('grep', ['-rlaF', token, dir], { encoding: 'utf8' });
      expect(grep.status).toBe(1);
      expect(grep.stdout).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
