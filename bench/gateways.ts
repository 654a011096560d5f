import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const gatewayIds = [
  'gatehouse',
  'hive',
  'hive-router-runtime',
  'hive-no-dedupe',
  'hive-router-runtime-no-dedupe',
] as const;
export type GatewayId = (typeof gatewayIds)[number];

/** What `npm run bench` runs when BENCH_GATEWAYS is not set. */
export const defaultGatewayIds: GatewayId[] = ['gatehouse', 'hive', 'hive-router-runtime'];

export interface GatewayLaunch {
  port: number;
  supergraphPath: string;
  /** A fresh directory this gateway may write to; also its working directory. */
  workDir: string;
  adminToken: string;
}

export interface GatewaySpec {
  id: GatewayId;
  label: string;
  /** Package and version, for the results file. */
  version: string;
  /** Writes any files the gateway needs into `launch.workDir` before it starts. */
  prepare?(launch: GatewayLaunch): Promise<void>;
  /** Arguments to `node` itself: spawning node directly means the pid we sample is the gateway. */
  nodeArgs(launch: GatewayLaunch): string[];
  /** Settings on top of the shared base environment. */
  env(launch: GatewayLaunch): Record<string, string>;
  /** Working directory; Hive Gateway looks there for a `gateway.config.*`, so it gets an empty one. */
  cwd(launch: GatewayLaunch): string;
  readinessPath: string;
  graphqlPath: string;
  /** Runs once the gateway is ready, before the correctness check (e.g. admin API set-up). */
  afterReady?(baseUrl: string, launch: GatewayLaunch): Promise<void>;
}

/** The plan anonymous bench requests run on: no limits, so the gateway's own cost is measured. */
const BENCH_PLAN = 'bench';

async function createBenchPlan(baseUrl: string, { adminToken }: GatewayLaunch): Promise<void> {
  const response = await fetch(`${baseUrl}/admin/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ query: `mutation { createPlan(input: { name: "${BENCH_PLAN}" }) { name } }` }),
  });
  const body = (await response.json()) as { errors?: Array<{ message: string }> };
  if (body.errors) throw new Error(`Gatehouse: creating the bench plan failed: ${body.errors[0]?.message}`);
}

const require = createRequire(import.meta.url);

function packageInfo(name: string): { dir: string; version: string } {
  const manifestPath = require.resolve(`${name}/package.json`);
  const { version } = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string };
  return { dir: dirname(manifestPath), version };
}

/** Describes the three gateways; `repoRoot` is where Gatehouse's `src/` and `node_modules/` live. */
export function gatewaySpecs(repoRoot: string): Record<GatewayId, GatewaySpec> {
  const hive = packageInfo('@graphql-hive/gateway');
  const routerRuntime = packageInfo('@graphql-hive/router-runtime');
  const repoVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  // The `hive-gateway` bin entry itself, not the npx/.bin shim, so no wrapper process sits in between.
  const hiveBin = join(hive.dir, 'dist/bin.js');
  const hiveArgs = ({ port, supergraphPath }: GatewayLaunch, extra: string[] = []) => [
    hiveBin,
    'supergraph',
    supergraphPath,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    // One process: the default, stated so a changed default can't turn this into a cluster.
    '--fork',
    '1',
    ...extra,
  ];
  // No Hive token, CDN key or OpenTelemetry endpoint is set, so nothing reports usage or polls a
  // registry; the only polling left is the supergraph file, every 10 s (Gatehouse's default too).
  const hiveEnv = () => ({ LOG_LEVEL: 'warn' });
  // Hive Gateway shares one in-flight subgraph request between identical ones (executor-http's
  // `deduplicateInflightRequests`, on by default). The bench sends one query over and over, so that
  // removes most subgraph traffic; these variants turn it off to compare planning and execution alone.
  const noDedupeConfig = (workDir: string) => join(workDir, 'gateway.config.mjs');
  const writeNoDedupeConfig = ({ workDir }: GatewayLaunch) =>
    writeFile(
      noDedupeConfig(workDir),
      "export const gatewayConfig = { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } };\n",
    );

  return {
    gatehouse: {
      id: 'gatehouse',
      label: 'Gatehouse',
      version: `gatehouse ${repoVersion} (tsx, static supergraph)`,
      // Runs from TypeScript through tsx, as `npm start` does; see bench/README.md for what that costs.
      nodeArgs: () => ['--import', 'tsx', join(repoRoot, 'src/main.ts')],
      env: ({ port, supergraphPath, workDir, adminToken }) => ({
        PORT: String(port),
        HOST: '127.0.0.1',
        GATEHOUSE_SUPERGRAPH: supergraphPath,
        GATEHOUSE_ALLOW_PRIVATE_BACKENDS: 'true',
        GATEHOUSE_LOG_LEVEL: 'warn',
        GATEHOUSE_DATA_DIR: join(workDir, 'data'),
        GATEHOUSE_ADMIN_TOKEN: adminToken,
        GATEHOUSE_ANONYMOUS_PLAN: BENCH_PLAN,
      }),
      afterReady: createBenchPlan,
      // tsx resolves from the working directory.
      cwd: () => repoRoot,
      readinessPath: '/readyz',
      graphqlPath: '/graphql',
    },
    hive: {
      id: 'hive',
      label: 'Hive Gateway',
      version: `@graphql-hive/gateway ${hive.version}`,
      nodeArgs: hiveArgs,
      env: hiveEnv,
      cwd: ({ workDir }) => workDir,
      readinessPath: '/readiness',
      graphqlPath: '/graphql',
    },
    'hive-router-runtime': {
      id: 'hive-router-runtime',
      label: 'Hive Gateway (router runtime)',
      version: `@graphql-hive/gateway ${hive.version} + @graphql-hive/router-runtime ${routerRuntime.version}`,
      nodeArgs: (launch) => hiveArgs(launch, ['--hive-router-runtime']),
      env: hiveEnv,
      cwd: ({ workDir }) => workDir,
      readinessPath: '/readiness',
      graphqlPath: '/graphql',
    },
    'hive-no-dedupe': {
      id: 'hive-no-dedupe',
      label: 'Hive Gateway (no dedupe)',
      version: `@graphql-hive/gateway ${hive.version}, deduplicateInflightRequests: false`,
      prepare: writeNoDedupeConfig,
      nodeArgs: (launch) => hiveArgs(launch, ['--config-path', noDedupeConfig(launch.workDir)]),
      env: hiveEnv,
      cwd: ({ workDir }) => workDir,
      readinessPath: '/readiness',
      graphqlPath: '/graphql',
    },
    'hive-router-runtime-no-dedupe': {
      id: 'hive-router-runtime-no-dedupe',
      label: 'Hive Gateway (router runtime, no dedupe)',
      version:
        `@graphql-hive/gateway ${hive.version} + @graphql-hive/router-runtime ${routerRuntime.version}, ` +
        'deduplicateInflightRequests: false',
      prepare: writeNoDedupeConfig,
      nodeArgs: (launch) =>
        hiveArgs(launch, ['--hive-router-runtime', '--config-path', noDedupeConfig(launch.workDir)]),
      env: hiveEnv,
      cwd: ({ workDir }) => workDir,
      readinessPath: '/readiness',
      graphqlPath: '/graphql',
    },
  };
}
