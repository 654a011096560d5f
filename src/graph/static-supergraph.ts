import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { request, type Dispatcher } from 'undici';
import type { Logger } from '../log.js';
import { createSubgraphExecutor } from '../sources/federation/executor.js';
import type { BackendTracing } from '../telemetry/backend-tracing.js';
import { buildGeneration, type ServedGraph } from './generation.js';

export interface StaticSupergraphOptions {
  /** File path or http(s) URL of a supergraph SDL composed elsewhere (Hive, Rover, Cosmo). */
  source: string;
  /** How often to look for a new version. @default 10000 */
  pollMs: number;
  served: ServedGraph;
  /** Used for the subgraphs named in the supergraph (the SSRF guard applies to them too). */
  dispatcher: Dispatcher;
  defaultTimeoutMs: number;
  /** Largest subgraph answer read, in bytes. */
  maxResponseBytes: number;
  log: Logger;
  /** Tracing on: client spans and `traceparent` for subgraph requests. @default off */
  tracing?: BackendTracing;
}

interface Fetched {
  sdl: string;
  /** ETag for URLs, mtime+size for files: cheap "did it change?" before hashing. */
  validator: string | undefined;
}

/**
 * Static mode: serves a supergraph SDL from a file or URL and replaces it when
 * it changes. A new SDL that cannot be served is logged and skipped; the last
 * good one keeps serving.
 */
export class StaticSupergraph {
  readonly #options: StaticSupergraphOptions;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #validator: string | undefined;
  #hash: string | undefined;
  #version = 0;
  #polling: Promise<void> | undefined;

  constructor(options: StaticSupergraphOptions) {
    this.#options = options;
    this.#log = options.log.child({ component: 'static-supergraph' });
  }

  /** Loads the first version; failing here fails start-up, since there is nothing else to serve. */
  async start(): Promise<void> {
    await this.#refresh(true);
    this.#timer = setInterval(() => void this.poll(), this.#options.pollMs);
    this.#timer.unref();
  }

  /** Checks the source once; concurrent calls share one check. Tests call it instead of waiting. */
  poll(): Promise<void> {
    this.#polling ??= this.#refresh(false)
      .catch((error: unknown) => this.#log.warn({ err: error }, 'supergraph refresh failed; keeping the served version'))
      .finally(() => {
        this.#polling = undefined;
      });
    return this.#polling;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #refresh(initial: boolean): Promise<void> {
    const fetched = await this.#fetch();
    if (!fetched) return;
    this.#validator = fetched.validator;
    const hash = createHash('sha256').update(fetched.sdl).digest('hex');
    if (hash === this.#hash) return;
    const { served, dispatcher, defaultTimeoutMs, log } = this.#options;
    const generation = buildGeneration({
      version: this.#version + 1,
      supergraphSdl: fetched.sdl,
      composedAt: new Date(),
      // A supergraph composed elsewhere names federation subgraphs and their URLs, nothing more.
      executorFor: ({ name, url }) =>
        createSubgraphExecutor({ name, url, headers: {}, timeoutMs: defaultTimeoutMs, maxResponseBytes: this.#options.maxResponseBytes }, { dispatcher, log, tracing: this.#options.tracing }),
    });
    this.#version = generation.version;
    this.#hash = hash;
    served.swap(generation);
    this.#log.info({ version: generation.version, initial }, 'supergraph loaded');
  }

  /** Returns undefined when the source is unchanged since the last look. */
  async #fetch(): Promise<Fetched | undefined> {
    const { source } = this.#options;
    if (/^https?:\/\//i.test(source)) {
      const headers: Record<string, string> = { accept: 'text/plain, application/graphql, */*' };
      if (this.#validator) headers['if-none-match'] = this.#validator;
      // The source is operator config, not admin input, so it is fetched without the backend guard.
      const response = await request(source, { headers, signal: AbortSignal.timeout(30_000) });
      if (response.statusCode === 304) {
        await response.body.dump();
        return undefined;
      }
      const sdl = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`supergraph source answered HTTP ${response.statusCode}`);
      const etag = response.headers.etag;
      return { sdl, validator: typeof etag === 'string' ? etag : undefined };
    }
    const info = await stat(source);
    const validator = `${info.mtimeMs}:${info.size}`;
    if (validator === this.#validator) return undefined;
    return { sdl: await readFile(source, 'utf8'), validator };
  }
}
