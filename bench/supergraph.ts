import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { spawnManaged, type ManagedProcess } from './child-process.js';
import type { CpuPinning } from './pinning.js';
import type { RequestCountsQuery, RestBackend, SubgraphsMessage } from './serve-subgraphs.js';

export interface RunningSubgraphs {
  process: ManagedProcess;
  /** The federation subgraphs, which every gateway serves. */
  subgraphs: Array<{ name: string; url: string }>;
  /** The REST pricing service, which only Gatehouse links in. */
  pricing: RestBackend;
  /** Base URL of an OTLP/HTTP endpoint that takes spans and drops them (the tracing row's). */
  otlpSink: string;
  /** Requests each subgraph has answered so far, by name. */
  requestCounts(): Promise<Record<string, number>>;
}

/** Starts `bench/serve-subgraphs.ts` in its own process (on the load core) and waits for the URLs it reports. */
export async function startSubgraphsProcess({
  repoRoot,
  env,
  pinning,
  timeoutMs = 30_000,
}: {
  repoRoot: string;
  env: Record<string, string>;
  pinning: CpuPinning;
  timeoutMs?: number;
}): Promise<RunningSubgraphs> {
  const { command, args } = pinning.command('load', ['--import', 'tsx', join(repoRoot, 'bench/serve-subgraphs.ts')]);
  const managed = spawnManaged('subgraphs', command, args, { cwd: repoRoot, env, ipc: true });
  const ready = await new Promise<Extract<SubgraphsMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`subgraphs did not start within ${timeoutMs} ms:\n${managed.outputTail()}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const onMessage = (message: SubgraphsMessage) => {
      if (message.type !== 'ready') return;
      managed.child.off('message', onMessage);
      clearTimeout(timer);
      resolve(message);
    };
    managed.child.on('message', onMessage);
    managed.child.once('exit', (code, signal) =>
      fail(new Error(`subgraphs process exited (${code ?? signal}) before reporting its URLs:\n${managed.outputTail()}`)),
    );
  });
  return { process: managed, subgraphs: ready.subgraphs, pricing: ready.pricing, otlpSink: ready.otlpSink, requestCounts: () => askRequestCounts(managed) };
}

function askRequestCounts(managed: ManagedProcess, timeoutMs = 5_000): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      managed.child.off('message', onMessage);
      reject(new Error(`subgraphs did not report request counts within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: SubgraphsMessage) => {
      if (message.type !== 'request-counts') return;
      managed.child.off('message', onMessage);
      clearTimeout(timer);
      resolve(message.counts);
    };
    managed.child.on('message', onMessage);
    const query: RequestCountsQuery = { type: 'get-request-counts' };
    // With a callback, a closed channel (the subgraphs stopped, e.g. on Ctrl-C) rejects this
    // promise instead of emitting an 'error' event nobody listens to, which would crash the bench.
    managed.child.send(query, (error) => {
      if (!error) return;
      managed.child.off('message', onMessage);
      clearTimeout(timer);
      reject(new Error(`subgraphs: ${error.message}`));
    });
  });
}

/** Fetches each subgraph's SDL over `_service { sdl }`, as a registry would, and composes them. */
export async function composeSupergraph(subgraphs: RunningSubgraphs['subgraphs']): Promise<string> {
  const services = await Promise.all(
    subgraphs.map(async ({ name, url }) => ({ name, url, typeDefs: parse(await fetchServiceSdl(name, url)) })),
  );
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

export async function writeSupergraph(dir: string, sdl: string): Promise<string> {
  const path = join(dir, 'supergraph.graphql');
  await writeFile(path, sdl);
  return path;
}

async function fetchServiceSdl(name: string, url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } }; errors?: unknown[] };
  const sdl = body.data?._service?.sdl;
  if (response.status !== 200 || body.errors || !sdl) {
    throw new Error(`subgraph ${name}: _service { sdl } failed (HTTP ${response.status}): ${JSON.stringify(body).slice(0, 500)}`);
  }
  return sdl;
}
