import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { gatehouseEntry } from './gatehouse-entry.js';
import { issueBenchKey, KEYED_PLAN, registerBenchGraph, setBenchCachePolicies, type BenchBackends } from './gatehouse-setup.js';
import type { GatewayRowId } from './rows.js';

/**
 * Settings that turn Gatehouse's response cache on, for row (c): on by default, said here so a
 * changed default can't turn the row into (b). Its set-up adds the cache policies of the bench
 * queries' types (`setBenchCachePolicies`), in memory storage; the row is checked to be hitting.
 * Undefined skips the row with a note.
 */
export const responseCacheEnv: Record<string, string> | undefined = { GATEHOUSE_RESPONSE_CACHE: 'true' };

export interface GatewayLaunch {
  port: number;
  supergraphPath: string;
  /** A fresh directory this gateway may write to (Gatehouse's data dir lives in it). */
  workDir: string;
  adminToken: string;
  backends: BenchBackends;
}

/** What a gateway needs from the bench once it is up. */
export interface GatewaySession {
  /** Sent with every bench request (e.g. the API key). */
  headers: Record<string, string>;
}

export interface GatewaySpec {
  id: GatewayRowId;
  label: string;
  /** Package, version and how it runs, for the table and the results file. */
  version: string;
  /** Set when the row can't run: the note the table prints instead of numbers. */
  unavailable?: string;
  /** Can it serve `Product.pricing`, the link to the REST service? Only Gatehouse can. */
  servesRestLinks: boolean;
  /** Answers `x-gatehouse-cost: true` with the query's static cost (recorded once per query). */
  reportsCost: boolean;
  /** Writes any files the gateway needs into `launch.workDir` before it starts. */
  prepare?(launch: GatewayLaunch): Promise<void>;
  /** Arguments to `node` itself: spawning node directly means the pid we sample is the gateway. */
  nodeArgs(launch: GatewayLaunch): string[];
  /** Settings on top of the shared base environment. */
  env(launch: GatewayLaunch): Record<string, string>;
  /** Working directory; Hive Gateway looks there for a `gateway.config.*`, so it gets an empty one. */
  cwd(launch: GatewayLaunch): string;
  /** 200 once the process listens (Gatehouse in registry mode serves no schema before `afterReady`). */
  readinessPath: string;
  graphqlPath: string;
  /** Runs once the gateway listens, before the correctness check (admin API set-up). */
  afterReady?(baseUrl: string, launch: GatewayLaunch): Promise<GatewaySession>;
}

const require = createRequire(import.meta.url);

function packageInfo(name: string): { dir: string; version: string } {
  const manifestPath = require.resolve(`${name}/package.json`);
  const { version } = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string };
  return { dir: dirname(manifestPath), version };
}

/** Describes the gateway rows; `repoRoot` is where Gatehouse's `src/` and `node_modules/` live. */
export function gatewaySpecs(repoRoot: string): Record<GatewayRowId, GatewaySpec> {
  return { ...gatehouseSpecs(repoRoot), ...hiveSpecs() };
}

function gatehouseSpecs(repoRoot: string): Record<Extract<GatewayRowId, `gatehouse${string}`>, GatewaySpec> {
  const repoVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const entry = gatehouseEntry(repoRoot);
  // Registry mode with a fresh embedded store per start: the REST link can only be registered
  // through the admin API, and a fresh data dir means no run sees another's state.
  const baseEnv = ({ port, workDir, adminToken }: GatewayLaunch) => ({
    PORT: String(port),
    HOST: '127.0.0.1',
    GATEHOUSE_ALLOW_PRIVATE_BACKENDS: 'true',
    GATEHOUSE_LOG_LEVEL: 'warn',
    GATEHOUSE_DATA_DIR: join(workDir, 'data'),
    GATEHOUSE_ADMIN_TOKEN: adminToken,
  });
  const common = {
    version: `gatehouse ${repoVersion} (${entry.description}; registry mode, embedded store)`,
    servesRestLinks: true,
    // Only with API management on; the bare row has no cost plugin and reports nothing.
    reportsCost: true,
    nodeArgs: () => entry.nodeArgs,
    // tsx resolves from the working directory.
    cwd: () => repoRoot,
    readinessPath: '/healthz',
    graphqlPath: '/graphql',
  };
  const keyedSession = async (baseUrl: string, { adminToken, backends }: GatewayLaunch): Promise<GatewaySession> => {
    await registerBenchGraph(baseUrl, adminToken, backends);
    return { headers: { 'x-api-key': await issueBenchKey(baseUrl, adminToken) } };
  };
  return {
    'gatehouse-bare': {
      ...common,
      id: 'gatehouse-bare',
      label: 'Gatehouse bare',
      version: `${common.version}, GATEHOUSE_API_MANAGEMENT=false`,
      env: (launch) => ({ ...baseEnv(launch), GATEHOUSE_API_MANAGEMENT: 'false' }),
      afterReady: async (baseUrl, { adminToken, backends }) => {
        await registerBenchGraph(baseUrl, adminToken, backends);
        return { headers: {} };
      },
    },
    'gatehouse-keyed': {
      ...common,
      id: 'gatehouse-keyed',
      label: 'Gatehouse + API key, cost, rate limit',
      version: `${common.version}, plan ${KEYED_PLAN.name}`,
      env: baseEnv,
      afterReady: keyedSession,
    },
    'gatehouse-keyed-telemetry-off': {
      ...common,
      id: 'gatehouse-keyed-telemetry-off',
      label: '(b) without metrics or access log',
      version: `${common.version}, plan ${KEYED_PLAN.name}, GATEHOUSE_METRICS=false, GATEHOUSE_ACCESS_LOG=false`,
      env: (launch) => ({ ...baseEnv(launch), GATEHOUSE_METRICS: 'false', GATEHOUSE_ACCESS_LOG: 'false' }),
      afterReady: keyedSession,
    },
    'gatehouse-keyed-tracing': {
      ...common,
      id: 'gatehouse-keyed-tracing',
      label: '(b) + tracing, every request sampled',
      version: `${common.version}, plan ${KEYED_PLAN.name}, GATEHOUSE_OTLP_ENDPOINT=<local sink>, sample ratio 1`,
      env: (launch) => ({ ...baseEnv(launch), GATEHOUSE_OTLP_ENDPOINT: launch.backends.otlpSink, GATEHOUSE_TRACE_SAMPLE_RATIO: '1' }),
      afterReady: keyedSession,
    },
    // (b) without usage records: the difference is what recording costs.
    'gatehouse-keyed-no-usage': {
      ...common,
      id: 'gatehouse-keyed-no-usage',
      label: '(b) with GATEHOUSE_USAGE=false',
      version: `${common.version}, plan ${KEYED_PLAN.name}, GATEHOUSE_USAGE=false`,
      env: (launch) => ({ ...baseEnv(launch), GATEHOUSE_USAGE: 'false' }),
      afterReady: keyedSession,
    },
    'gatehouse-keyed-cached': {
      ...common,
      id: 'gatehouse-keyed-cached',
      label: '(b) + response cache hits',
      version: `${common.version}, plan ${KEYED_PLAN.name}, response cache in memory`,
      unavailable: responseCacheEnv ? undefined : responseCacheNote(),
      env: (launch) => ({ ...baseEnv(launch), ...responseCacheEnv }),
      afterReady: async (baseUrl, launch) => {
        const session = await keyedSession(baseUrl, launch);
        await setBenchCachePolicies(baseUrl, launch.adminToken);
        return session;
      },
    },
  };
}

/** Why row (c) is skipped; points at the hook when Gatehouse has grown a setting for it meanwhile. */
function responseCacheNote(): string {
  const candidate = Object.keys(configSchema.shape).find((name) => name.includes('RESPONSE_CACHE'));
  return candidate
    ? `not run: Gatehouse now has ${candidate}; set responseCacheEnv in bench/gateways.ts to enable this row`
    : 'not available: Gatehouse has no response cache yet (hook: responseCacheEnv in bench/gateways.ts)';
}

function hiveSpecs(): Record<Extract<GatewayRowId, `hive${string}`>, GatewaySpec> {
  const hive = packageInfo('@graphql-hive/gateway');
  const routerRuntime = packageInfo('@graphql-hive/router-runtime');
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
  const common = {
    servesRestLinks: false,
    reportsCost: false,
    // No Hive token, CDN key or OpenTelemetry endpoint is set, so nothing reports usage or polls a
    // registry; the only polling left is the supergraph file, every 10 s.
    env: () => ({ LOG_LEVEL: 'warn' }),
    cwd: ({ workDir }: GatewayLaunch) => workDir,
    readinessPath: '/readiness',
    graphqlPath: '/graphql',
  };
  // Hive Gateway shares one in-flight subgraph request between identical ones (executor-http's
  // `deduplicateInflightRequests`, on by default). The bench sends one query over and over, so that
  // removes most subgraph traffic; these variants turn it off to compare planning and execution alone.
  const noDedupeConfig = (workDir: string) => join(workDir, 'gateway.config.mjs');
  const writeNoDedupeConfig = ({ workDir }: GatewayLaunch) =>
    writeFile(
      noDedupeConfig(workDir),
      "export const gatewayConfig = { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } };\n",
    );
  const withRouter = `@graphql-hive/gateway ${hive.version} + @graphql-hive/router-runtime ${routerRuntime.version}`;

  return {
    hive: {
      ...common,
      id: 'hive',
      label: 'Hive Gateway',
      version: `@graphql-hive/gateway ${hive.version}`,
      nodeArgs: hiveArgs,
    },
    'hive-router-runtime': {
      ...common,
      id: 'hive-router-runtime',
      label: 'Hive Gateway --hive-router-runtime',
      version: withRouter,
      nodeArgs: (launch) => hiveArgs(launch, ['--hive-router-runtime']),
    },
    'hive-no-dedupe': {
      ...common,
      id: 'hive-no-dedupe',
      label: 'Hive Gateway, no dedupe',
      version: `@graphql-hive/gateway ${hive.version}, deduplicateInflightRequests: false`,
      prepare: writeNoDedupeConfig,
      nodeArgs: (launch) => hiveArgs(launch, ['--config-path', noDedupeConfig(launch.workDir)]),
    },
    'hive-router-runtime-no-dedupe': {
      ...common,
      id: 'hive-router-runtime-no-dedupe',
      label: 'Hive Gateway --hive-router-runtime, no dedupe',
      version: `${withRouter}, deduplicateInflightRequests: false`,
      prepare: writeNoDedupeConfig,
      nodeArgs: (launch) => hiveArgs(launch, ['--hive-router-runtime', '--config-path', noDedupeConfig(launch.workDir)]),
    },
  };
}
