import type { Dispatcher } from 'undici';
import { badUserInput, compositionFailed, notFound, type CompositionErrorDetail } from '../errors.js';
import type { Logger } from '../log.js';
import { fetchSubgraphSdl, SdlFetchError } from '../sources/federation/sdl.js';
import type { BackendInput, BackendRecord, RegistryTransaction, SchemaVersionRecord, Store } from '../store/types.js';
import { composeBackends } from './compose.js';
import { diffApiSchemas, type SchemaChange } from './diff.js';
import { buildGeneration, type BackendTransport, type Generation, type ServedGraph } from './generation.js';

/** A backend as an admin describes it; `sdl` absent means "ask the backend". */
export interface BackendDefinition {
  name: string;
  kind: BackendInput['kind'];
  url: string;
  headers: Record<string, string>;
  sdl?: string;
  timeoutMs: number | null;
}

export interface BackendPatch {
  url?: string;
  headers?: Record<string, string>;
  /** New inline SDL; `null` re-fetches it from the backend. Absent keeps the stored SDL. */
  sdl?: string | null;
  timeoutMs?: number | null;
}

export interface CheckResult {
  composes: boolean;
  errors: CompositionErrorDetail[];
  changes: SchemaChange[];
}

export interface RegistryOptions {
  store: Store;
  served: ServedGraph;
  dispatcher: Dispatcher;
  log: Logger;
  defaultTimeoutMs: number;
}

/**
 * The write side of the graph: every admin change is fetched, composed and
 * stored in one serialised transaction, then the new generation is swapped in.
 * A change that does not compose is refused and the served graph is untouched.
 */
export class Registry {
  readonly #options: RegistryOptions;
  readonly #log: Logger;

  constructor(options: RegistryOptions) {
    this.#options = options;
    this.#log = options.log.child({ component: 'registry' });
  }

  /** Serves the newest stored schema version, if any. */
  async start(): Promise<void> {
    const { store, served } = this.#options;
    const latest = await store.latestSchemaVersion();
    if (!latest?.supergraphSdl) return;
    served.swap(this.#build(latest, await store.listBackends()));
    this.#log.info({ version: latest.version }, 'serving stored schema version');
  }

  async register(definition: BackendDefinition): Promise<{ backend: BackendRecord; schema: SchemaVersionRecord }> {
    const input = await this.#resolve(definition);
    return this.#write(input.name, async (tx, backends) => {
      if (backends.some((backend) => backend.name === input.name)) {
        throw badUserInput('input.name', `a backend named "${input.name}" is already registered; use updateBackend`);
      }
      return { next: [...backends, input], upsert: input };
    });
  }

  async update(name: string, patch: BackendPatch): Promise<{ backend: BackendRecord; schema: SchemaVersionRecord }> {
    const existing = await this.#options.store.getBackend(name);
    if (!existing) throw notFound('input.name', `No backend named "${name}".`);
    const input = await this.#resolve({
      name,
      kind: existing.kind,
      url: patch.url ?? existing.url,
      headers: patch.headers ?? existing.headers,
      sdl: patch.sdl === null ? undefined : (patch.sdl ?? existing.sdl),
      timeoutMs: patch.timeoutMs === undefined ? existing.timeoutMs : patch.timeoutMs,
    });
    if (patch.sdl === undefined && existing.sdlSource === 'INTROSPECTED') input.sdlSource = 'INTROSPECTED';
    return this.#write(name, async (tx, backends) => {
      if (!backends.some((backend) => backend.name === name)) throw notFound('input.name', `No backend named "${name}".`);
      return { next: backends.map((backend) => (backend.name === name ? input : backend)), upsert: input };
    });
  }

  async remove(name: string): Promise<{ schema: SchemaVersionRecord }> {
    const { schema } = await this.#write(name, async (tx, backends) => {
      if (!backends.some((backend) => backend.name === name)) throw notFound('name', `No backend named "${name}".`);
      return { next: backends.filter((backend) => backend.name !== name), remove: name };
    });
    return { schema };
  }

  /** Dry run of registering or replacing `definition`: would it compose, and what would clients see change? */
  async check(definition: BackendDefinition): Promise<CheckResult> {
    const input = await this.#resolve(definition);
    const { store } = this.#options;
    const [backends, latest] = await Promise.all([store.listBackends(), store.latestSchemaVersion()]);
    const next = [...backends.filter((backend) => backend.name !== input.name), input];
    const outcome = composeBackends(next, input.name);
    if (!outcome.ok) return { composes: false, errors: outcome.errors, changes: [] };
    return { composes: true, errors: [], changes: await diffApiSchemas(latest?.apiSdl || undefined, outcome.apiSdl) };
  }

  /** Fetches the SDL when it is not given, outside the write lock (it's network I/O). */
  async #resolve(definition: BackendDefinition): Promise<BackendInput> {
    const { dispatcher, defaultTimeoutMs } = this.#options;
    if (definition.sdl !== undefined) {
      return { ...definition, sdl: definition.sdl, sdlSource: 'INLINE' };
    }
    try {
      const sdl = await fetchSubgraphSdl(definition.url, {
        headers: definition.headers,
        dispatcher,
        timeoutMs: definition.timeoutMs ?? defaultTimeoutMs,
      });
      return { ...definition, sdl, sdlSource: 'INTROSPECTED' };
    } catch (error) {
      if (error instanceof SdlFetchError) throw badUserInput('input.url', `cannot fetch the SDL: ${error.message}`);
      throw error;
    }
  }

  async #write(
    changed: string,
    plan: (
      tx: RegistryTransaction,
      backends: BackendRecord[],
    ) => Promise<{ next: BackendInput[]; upsert?: BackendInput; remove?: string }>,
  ): Promise<{ backend: BackendRecord; schema: SchemaVersionRecord }> {
    const { store, served } = this.#options;
    const { backend, schema, generation } = await store.withRegistryLock(async (tx) => {
      const backends = await tx.listBackends();
      const { next, upsert, remove } = await plan(tx, backends);
      const supergraph = this.#compose(next, changed);
      const stored = upsert ? await tx.upsertBackend(upsert) : undefined;
      if (remove) await tx.removeBackend(remove);
      const schema = await tx.insertSchemaVersion({
        supergraphSdl: supergraph?.supergraphSdl ?? '',
        apiSdl: supergraph?.apiSdl ?? '',
        backendNames: next.map((backend) => backend.name),
      });
      // Built before commit: a version that cannot be served is never stored.
      const generation = supergraph ? this.#build(schema, next) : undefined;
      return { backend: stored ?? (upsert as BackendRecord | undefined), schema, generation };
    });
    served.swap(generation);
    this.#log.info({ version: schema.version, backend: changed }, 'schema swapped');
    return { backend: backend as BackendRecord, schema };
  }

  /** Composes `next`; an empty registry composes to "nothing served" rather than an error. */
  #compose(next: readonly BackendInput[], changed: string): { supergraphSdl: string; apiSdl: string } | undefined {
    if (next.length === 0) return undefined;
    const outcome = composeBackends(next, changed);
    if (!outcome.ok) {
      this.#log.warn({ backend: changed, errors: outcome.errors.length }, 'composition refused');
      throw compositionFailed(outcome.errors);
    }
    return outcome;
  }

  #build(schema: SchemaVersionRecord, backends: readonly BackendInput[]): Generation {
    const { dispatcher, log, defaultTimeoutMs } = this.#options;
    const transports = new Map<string, BackendTransport>(
      backends.map((backend) => [backend.name, { headers: backend.headers, timeoutMs: backend.timeoutMs }]),
    );
    return buildGeneration({
      version: schema.version,
      supergraphSdl: schema.supergraphSdl,
      composedAt: schema.composedAt,
      transports,
      defaultTimeoutMs,
      dispatcher,
      log,
    });
  }
}
