import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';

function issuesOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: '0.0.0.0',
      store: { engine: 'embedded', dataDir: './.gatehouse' },
      supergraph: undefined,
      allowPrivateBackends: false,
      backendTimeoutMs: 10_000,
      auth: { apiManagement: true },
      documentCache: { maxEntries: 1_000, maxBytes: 67_108_864 },
      limits: expect.objectContaining({ maxBodyBytes: 2_000_000, maxDocumentBytes: 262_144, maxDepth: 32, maxIntrospectionDepth: 20 }),
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT: .*got "abc"/],
    [{ PORT: '70000' }, /^PORT: /],
    [{ GATEHOUSE_BACKEND_TIMEOUT_MS: '-5' }, /^GATEHOUSE_BACKEND_TIMEOUT_MS: /],
    [{ GATEHOUSE_ALLOW_PRIVATE_BACKENDS: 'maybe' }, /^GATEHOUSE_ALLOW_PRIVATE_BACKENDS: /],
    [{ GATEHOUSE_API_MANAGEMENT: 'off' }, /^GATEHOUSE_API_MANAGEMENT: /],
    [{ GATEHOUSE_LOG_LEVEL: 'loud' }, /^GATEHOUSE_LOG_LEVEL: /],
    [{ GATEHOUSE_ADMIN_TOKEN: 'short' }, /^GATEHOUSE_ADMIN_TOKEN: .*16/],
    [{ GATEHOUSE_DATABASE_URL: 'not a url' }, /^GATEHOUSE_DATABASE_URL: /],
    [{ GATEHOUSE_SUPERGRAPH: 'x.graphql', GATEHOUSE_DATABASE_URL: 'postgres://h/db' }, /^GATEHOUSE_SUPERGRAPH: static supergraph mode/],
  ])('names the bad setting: %j', (env, pattern) => {
    const issues = issuesOf(env);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(pattern);
  });

  it('names a bad secret setting without echoing its value', () => {
    const cases: Array<[NodeJS.ProcessEnv, string, RegExp]> = [
      [{ GATEHOUSE_ADMIN_TOKEN: 'hunter2-secret' }, 'hunter2-secret', /^GATEHOUSE_ADMIN_TOKEN: at least 16 characters \(value not shown: secret\)$/],
      [{ GATEHOUSE_DATABASE_URL: '//admin:s3cr3t-pw@db/prod' }, 's3cr3t-pw', /^GATEHOUSE_DATABASE_URL: .*\(value not shown: secret\)$/],
      [
        { GATEHOUSE_JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----MIIBIj', GATEHOUSE_JWT_JWKS_URL: 'https://issuer.test/jwks' },
        'MIIBIj',
        /^GATEHOUSE_JWT_PUBLIC_KEY: set either .*\(value not shown: secret\)$/,
      ],
    ];
    for (const [env, secret, pattern] of cases) {
      const issues = issuesOf(env);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(pattern);
      expect(issues.join('\n')).not.toContain(secret);
    }
    // Other settings still show what they got, so the mistake is visible.
    expect(issuesOf({ GATEHOUSE_MAX_DEPTH: 'deep' })[0]).toMatch(/^GATEHOUSE_MAX_DEPTH: .*\(got "deep"\)$/);
  });

  it('accepts and ignores `$schema` in the file, and refuses keys that are no setting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-config-'));
    try {
      const path = join(dir, 'gatehouse.config.json');
      await writeFile(path, JSON.stringify({ $schema: './schema/gatehouse.config.schema.json', GATEHOUSE_MAX_DEPTH: 20 }));
      expect(loadConfig({ GATEHOUSE_CONFIG: path }).limits.maxDepth).toBe(20);

      await writeFile(path, JSON.stringify({ GATEHOUSE_MAX_DEPHT: 20, PORT: 4100 }));
      expect(issuesOf({ GATEHOUSE_CONFIG: path })).toEqual([`GATEHOUSE_CONFIG: ${path} has "GATEHOUSE_MAX_DEPHT", which is not a setting`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads an optional JSON config file; the environment wins', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-config-'));
    try {
      const path = join(dir, 'gatehouse.json');
      await writeFile(path, JSON.stringify({ PORT: 5000, GATEHOUSE_BACKEND_TIMEOUT_MS: 2500, HOST: '127.0.0.1' }));
      const config = loadConfig({ GATEHOUSE_CONFIG: path, HOST: '::1' });
      expect(config).toMatchObject({ port: 5000, backendTimeoutMs: 2500, host: '::1' });

      await writeFile(path, '[1, 2]');
      expect(issuesOf({ GATEHOUSE_CONFIG: path })).toEqual([`GATEHOUSE_CONFIG: ${path} must hold a JSON object of settings`]);
      expect(issuesOf({ GATEHOUSE_CONFIG: join(dir, 'missing.json') })[0]).toMatch(/^GATEHOUSE_CONFIG: cannot read .*ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes a heap growing percent for V8 (0, the default, leaves V8 alone) and refuses a bad one by name', () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(0);
    expect(loadConfig({ GATEHOUSE_HEAP_GROWING_PERCENT: '200' }).heapGrowingPercent).toBe(200);
    expect(issuesOf({ GATEHOUSE_HEAP_GROWING_PERCENT: '-5' })).toEqual([expect.stringMatching(/^GATEHOUSE_HEAP_GROWING_PERCENT: .*\(got "-5"\)$/)]);
  });

  it('turns API management off with GATEHOUSE_API_MANAGEMENT=false', () => {
    expect(loadConfig({ GATEHOUSE_API_MANAGEMENT: 'false' }).auth.apiManagement).toBe(false);
  });

  it('selects PostgreSQL when GATEHOUSE_DATABASE_URL is set', () => {
    expect(loadConfig({ GATEHOUSE_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }).store).toEqual({
      engine: 'postgres',
      connectionString: 'postgres://postgres@127.0.0.1:5432/test',
      schema: 'gatehouse',
    });
  });

  it('shares budgets on Redis only when GATEHOUSE_REDIS_URL is set, with bounded timeouts and the open policy by default', () => {
    expect(loadConfig({}).redis).toBeUndefined();
    expect(loadConfig({ GATEHOUSE_REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      options: {},
      keyPrefix: 'gatehouse:',
      failure: 'open',
      commandTimeoutMs: 250,
      connectTimeoutMs: 2_000,
    });
    const sentinel = loadConfig({
      GATEHOUSE_REDIS_URL: 'redis://:secret@ignored:6379/2',
      GATEHOUSE_REDIS_OPTIONS: '{"sentinels":[{"host":"s1","port":26379},{"host":"s2"}],"name":"primary","sentinelPassword":"x"}',
      GATEHOUSE_REDIS_FAILURE: 'closed',
    }).redis;
    expect(sentinel).toMatchObject({
      failure: 'closed',
      options: { sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 6379 }], name: 'primary', sentinelPassword: 'x' },
    });
  });

  it.each([
    [{ GATEHOUSE_REDIS_URL: 'http://127.0.0.1:6379' }, /^GATEHOUSE_REDIS_URL: a redis:\/\/ or rediss:\/\/ URL/],
    [{ GATEHOUSE_REDIS_OPTIONS: '{}' }, /^GATEHOUSE_REDIS_OPTIONS: needs GATEHOUSE_REDIS_URL/],
    [{ GATEHOUSE_REDIS_URL: 'redis://r', GATEHOUSE_REDIS_OPTIONS: 'not json' }, /^GATEHOUSE_REDIS_OPTIONS: a JSON object of ioredis options/],
    [{ GATEHOUSE_REDIS_URL: 'redis://r', GATEHOUSE_REDIS_OPTIONS: '{"sentinels":[{"host":"s"}]}' }, /^GATEHOUSE_REDIS_OPTIONS: `sentinels` needs the master group `name`/],
    [{ GATEHOUSE_REDIS_URL: 'redis://r', GATEHOUSE_REDIS_OPTIONS: '{"commandTimeout":5000}' }, /^GATEHOUSE_REDIS_OPTIONS: `commandTimeout` is set by Gatehouse/],
    [{ GATEHOUSE_REDIS_URL: 'redis://r', GATEHOUSE_REDIS_FAILURE: 'maybe' }, /^GATEHOUSE_REDIS_FAILURE: /],
    [{ GATEHOUSE_REDIS_PREFIX: 'a{b}' }, /^GATEHOUSE_REDIS_PREFIX: /],
    [{ GATEHOUSE_TRUSTED_PROXIES: '10.0.0.0/8, lb.internal' }, /^GATEHOUSE_TRUSTED_PROXIES: "lb.internal" is not an IP address or CIDR/],
  ])('names the bad Redis or proxy setting: %j', (env, pattern) => {
    const issues = issuesOf(env);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(pattern);
  });

  it('normalises trusted proxies to CIDRs', () => {
    expect(loadConfig({}).clientAddress).toEqual({ trustedProxies: [], header: 'x-forwarded-for' });
    expect(loadConfig({ GATEHOUSE_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1 ,::1,fd00::/8', GATEHOUSE_CLIENT_ADDRESS_HEADER: 'forwarded' }).clientAddress).toEqual({
      trustedProxies: ['10.0.0.0/8', '127.0.0.1/32', '::1/128', 'fd00::/8'],
      header: 'forwarded',
    });
  });
});
