import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/consumers/api-keys.js';
import { startGatehouseProcess } from '../helpers/gatehouse-process.js';
import { freshDataDir, postGraphQL, startGatehouse, TEST_ADMIN_TOKEN } from '../helpers/gatehouse.js';
import { CREATE_CONSUMER, CREATE_PLAN, ISSUE_KEY, KEY_FIELDS, PLAN_FIELDS, ROTATE_KEY, type IssuedKey } from './operations.js';

/** Every admin query that shows plans, consumers and keys, with every field. */
const EVERYTHING = /* GraphQL */ `{
  plans { ${PLAN_FIELDS} }
  consumers(first: 100) { totalCount nodes { id name disabled plan { name } apiKeys { ${KEY_FIELDS} } } }
  consumer(name: "keeper") { apiKeys { ${KEY_FIELDS} } }
  trustedDocuments { hash document }
}`;

/** Files under `dir` that contain `text` (grep exits 1 when none does). */
function filesContaining(dir: string, text: string): { status: number | null; files: string } {
  const grep = spawnSync('grep', ['-rlaF', text, dir], { encoding: 'utf8' });
  return { status: grep.status, files: grep.stdout };
}

describe('API keys are shown once and never stored or logged', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-keys-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps only the hash in the data dir, and neither the key nor its hash leaves again', async () => {
    let issued: IssuedKey;
    let rotated: IssuedKey;
    {
      // Debug logging: the most a deployment would ever print.
      await using gatehouse = await startGatehouseProcess({ GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_LOG_LEVEL: 'debug' });
      const admin = <T>(query: string, variables?: Record<string, unknown>) =>
        postGraphQL<T>(`${gatehouse.url}/admin/graphql`, query, variables, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
      expect((await admin(CREATE_PLAN, { input: { name: 'basic' } })).body.errors).toBeUndefined();
      expect((await admin(CREATE_CONSUMER, { input: { name: 'keeper', plan: 'basic' } })).body.errors).toBeUndefined();
      const issue = await admin<{ issueApiKey: IssuedKey }>(ISSUE_KEY, { input: { consumer: 'keeper', label: 'secret-test' } });
      issued = issue.body.data!.issueApiKey;
      const rotate = await admin<{ rotateApiKey: IssuedKey }>(ROTATE_KEY, { input: { id: issued.apiKey.id } });
      rotated = rotate.body.data!.rotateApiKey;

      const everything = JSON.stringify((await admin(EVERYTHING)).body);
      expect(everything).toContain(issued.apiKey.prefix);
      for (const secret of [issued.key, rotated.key, hashApiKey(issued.key), hashApiKey(rotated.key)]) {
        expect(everything).not.toContain(secret);
      }
      expect(await gatehouse.stop('SIGTERM')).toBe(0);
      // The issuance is logged by prefix; the key itself is not.
      expect(gatehouse.output).toContain(issued.apiKey.prefix);
      expect(gatehouse.output).not.toContain(issued.key);
      expect(gatehouse.output).not.toContain(rotated.key);
      // Nor its secret part alone (a redaction that cut the prefix off would still leak).
      expect(gatehouse.output).not.toContain(issued.key.split('_').at(-1));
    }

    for (const key of [issued.key, rotated.key]) {
      expect(filesContaining(dataDir, key)).toEqual({ status: 1, files: '' });
      expect(filesContaining(dataDir, key.split('_').at(-1)!)).toEqual({ status: 1, files: '' });
      // The same grep does find what is stored: the hash.
      expect(filesContaining(dataDir, hashApiKey(key)).status).toBe(0);
    }
  }, 60_000);
});

describe('API-management writes survive a restart', () => {
  it('finds plans, consumers, keys and trusted documents after restarting on the same data dir', async () => {
    const dataDir = await freshDataDir();
    try {
      let before: unknown;
      {
        await using first = await startGatehouse({ dataDir });
        await first.admin(CREATE_PLAN, { input: { name: 'durable', rateLimitPoints: 5, quotaPeriod: 'DAY', trustedDocumentsOnly: true } });
        await first.admin(CREATE_CONSUMER, { input: { name: 'keeper', plan: 'durable' } });
        const issued = await first.admin<{ issueApiKey: IssuedKey }>(ISSUE_KEY, { input: { consumer: 'keeper', label: 'kept' } });
        await first.admin(`mutation R($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: issued.body.data!.issueApiKey.apiKey.id });
        await first.admin(ISSUE_KEY, { input: { consumer: 'keeper' } });
        await first.admin(`mutation { addTrustedDocuments(documents: ["{ kept }"]) }`);
        before = (await first.admin(EVERYTHING)).body;
      }
      {
        await using restarted = await startGatehouse({ dataDir });
        const after = (await restarted.admin(EVERYTHING)).body;
        expect(after).toEqual(before);
        expect(after).toMatchObject({
          data: {
            // The test helper may add a plan of its own (TEST_PLAN).
            plans: expect.arrayContaining([expect.objectContaining({ name: 'durable', rateLimitPoints: 5, quotaPeriod: 'DAY', trustedDocumentsOnly: true })]),
            consumers: { totalCount: 1, nodes: [{ name: 'keeper', apiKeys: [{ label: 'kept', status: 'REVOKED' }, { status: 'ACTIVE' }] }] },
            trustedDocuments: [{ document: '{ kept }' }],
          },
        });
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
