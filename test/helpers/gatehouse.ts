import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { inject } from 'vitest';
import { configSchema, toGatehouseConfig } from '../../src/config/schema.js';
import type { ChangeFeed } from '../../src/cluster/change-feed.js';
import { createGatehouse, type Gatehouse } from '../../src/gatehouse.js';
import { createLogger } from '../../src/log.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/**
 * The plan every test Gatehouse has (created at start): no limits, introspection allowed. Requests
 * without credentials run on it unless the test opts out with `anonymousAccess: false`, so tests
 * that are not about authentication need no key.
 */
export const TEST_PLAN = 'test-unlimited';

export interface GraphQLResponse<TData = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: TData | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
    extensions?: Record<string, unknown>;
  };
}

export interface StartGatehouseOptions {
  /** Federation subgraphs registered through the admin API before this resolves (SDL fetched from `url` unless given). */
  backends?: Array<{ name: string; url: string; sdl?: string }>;
  /** Extra settings, by their environment variable name (e.g. `GATEHOUSE_SUPERGRAPH`). */
  env?: Record<string, string>;
  /** Reuse a data dir (restart tests); otherwise a fresh one is made and removed on close. */
  dataDir?: string;
  /**
   * Requests without credentials are served on `TEST_PLAN` (`GATEHOUSE_ANONYMOUS_PLAN`, unless
   * `env` sets it). `false`: credentials are required, as without that setting. @default true
   */
  anonymousAccess?: boolean;
  /** Where log lines go (e.g. a stream that keeps them for a test); the level is `GATEHOUSE_LOG_LEVEL`. */
  logDestination?: DestinationStream;
  /** Clock of rate limits and quotas, in ms since the epoch, so tests never wait for a window. @default Date.now */
  now?: () => number;
  /** Shared with other instances in the test, as instances on one store share theirs. @default a feed of its own */
  changeFeed?: ChangeFeed;
  /** `GatehouseOptions.dashboardAdminToken`: written into the /admin page. @default none */
  dashboardAdminToken?: () => string | undefined;
}

export interface RunningGatehouse extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  gatehouse: Gatehouse;
  dataDir: string;
  /** POSTs to /graphql. */
  query<TData = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<TData>>;
  /** POSTs to /admin/graphql with the admin token. */
  admin<TData = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<TData>>;
  close(): Promise<void>;
}

export async function postGraphQL<TData>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: GraphQLResponse<TData>['body'];
  try {
    body = JSON.parse(text) as GraphQLResponse<TData>['body'];
  } catch {
    throw new Error(`Non-JSON response (HTTP ${response.status}): ${text.slice(0, 500)}`);
  }
  return { status: response.status, headers: response.headers, body };
}

export const REGISTER_BACKEND = /* GraphQL */ `
  mutation Register($input: RegisterBackendInput!) {
    registerBackend(input: $input) { backend { name url sdlSource } schema { version backends } }
  }
`;

/**
 * A new, migrated embedded data dir. Creating a PGlite cluster costs seconds; copying the one
 * `test/global-setup.ts` created costs milliseconds, and each test still gets its own.
 */
export async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-test-'));
  await cp(inject('templateDataDir'), dir, { recursive: true });
  return dir;
}

/** Starts Gatehouse in this process on 127.0.0.1:0 with its own data dir and registers `backends`. */
export async function startGatehouse({
  backends = [],
  env = {},
  dataDir,
  anonymousAccess = true,
  logDestination,
  now,
  changeFeed,
  dashboardAdminToken,
}: StartGatehouseOptions = {}): Promise<RunningGatehouse> {
  const ownDataDir = dataDir === undefined;
  const dir = dataDir ?? (await freshDataDir());
  const config = toGatehouseConfig(
    configSchema.parse({
      PORT: '0',
      HOST: '127.0.0.1',
      GATEHOUSE_DATA_DIR: dir,
      GATEHOUSE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      GATEHOUSE_ALLOW_PRIVATE_BACKENDS: 'true',
      GATEHOUSE_LOG_LEVEL: process.env.GATEHOUSE_TEST_LOG_LEVEL ?? 'silent',
      ...(anonymousAccess ? { GATEHOUSE_ANONYMOUS_PLAN: TEST_PLAN } : {}),
      ...env,
    }),
  );
  const gatehouse = await createGatehouse(config, createLogger(config.logLevel, logDestination), { now, changeFeed, dashboardAdminToken });
  const url = await gatehouse.listen();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await gatehouse.close();
    if (ownDataDir) await rm(dir, { recursive: true, force: true });
  };
  const running: RunningGatehouse = {
    url,
    gatehouse,
    dataDir: dir,
    query: (query, variables, headers) => postGraphQL(`${url}/graphql`, query, variables, headers),
    admin: (query, variables, headers) =>
      postGraphQL(`${url}/admin/graphql`, query, variables, { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...headers }),
    close,
    [Symbol.asyncDispose]: close,
  };
  try {
    await ensureTestPlan(url);
    for (const backend of backends) {
      const result = await running.admin(REGISTER_BACKEND, {
        input: { name: backend.name, kind: 'FEDERATION_SUBGRAPH', url: backend.url, sdl: backend.sdl },
      });
      if (result.body.errors) throw new Error(`registering ${backend.name} failed: ${JSON.stringify(result.body.errors)}`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return running;
}

/**
 * Creates `TEST_PLAN` through the admin API unless it exists (a reused data dir or a shared
 * PostgreSQL schema has it already; instances starting together may race to create it).
 */
export async function ensureTestPlan(baseUrl: string): Promise<void> {
  const adminUrl = `${baseUrl}/admin/graphql`;
  const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const exists = async () => {
    const existing = await postGraphQL<{ plan: { name: string } | null }>(adminUrl, 'query($name: String!) { plan(name: $name) { name } }', { name: TEST_PLAN }, auth);
    if (existing.body.errors) throw new Error(`looking up the test plan failed: ${JSON.stringify(existing.body.errors)}`);
    return Boolean(existing.body.data?.plan);
  };
  if (await exists()) return;
  const created = await postGraphQL(
    adminUrl,
    'mutation($input: CreatePlanInput!) { createPlan(input: $input) { name } }',
    { input: { name: TEST_PLAN, introspectionAllowed: true } },
    auth,
  );
  if (created.body.errors && !(await exists())) throw new Error(`creating the test plan failed: ${JSON.stringify(created.body.errors)}`);
}
