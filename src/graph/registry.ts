import { printSchema, type GraphQLError } from 'graphql';
import type { Dispatcher } from 'undici';
import { badUserInput, compositionFailed, ErrorCode, notFound, type CompositionErrorDetail } from '../errors.js';
import type { Logger } from '../log.js';
import { fetchSubgraphSdl } from '../sources/federation/sdl.js';
import { buildSource, defaultPrefix, isDocumentUrl } from '../sources/index.js';
import { fetchGraphQLServiceSdl } from '../sources/graphql/index.js';
import { fetchOpenApiDocument, parseOpenApiDocument } from '../sources/openapi/document.js';
import { SourceDefinitionError } from '../sources/types.js';
import type { BackendInput, BackendOptions, BackendRecord, RegistryTransaction, SchemaVersionRecord, Store } from '../store/types.js';
import { composeBackends } from './compose.js';
import { diffApiSchemas, type SchemaChange } from './diff.js';
import { buildGeneration, type BackendTransport, type Generation, type ServedGraph } from './generation.js';
import type { DeclaredLink } from './links.js';

/** A backend as an admin describes it; `sdl` absent means "ask the backend". */
export interface BackendDefinition {
  name: string;
  kind: BackendInput['kind'];
  url: string;
  headers: Record<string, string>;
  sdl?: string;
  /** OPENAPI: the document's URL, or the document itself (JSON or YAML). */
  openapi?: string;
  timeoutMs: number | null;
  options: BackendOptions;
}

export interface BackendPatch {
  url?: string;
  headers?: Record<string, string>;
  /** New inline SDL; `null` re-fetches it from the backend. Absent keeps the stored SDL. */
  sdl?: string | null;
  timeoutMs?: number | null;
  /** OPENAPI: a new document URL or text; `null` re-fetches it from the stored URL. */
  openapi?: string | null;
  /** Replaces the backend's options (prefix, links, exposeErrors) where given. */
  options?: Partial<BackendOptions>;
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
    if (!latest?.apiSdl) return;
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
      sdl: existing.kind === 'OPENAPI' || patch.sdl === null ? undefined : (patch.sdl ?? existing.sdl),
      openapi: existing.kind !== 'OPENAPI' ? undefined : patch.openapi === null ? existing.options.openapiUrl : (patch.openapi ?? existing.openapiDocument ?? undefined),
      timeoutMs: patch.timeoutMs === undefined ? existing.timeoutMs : patch.timeoutMs,
      options: { ...existing.options, ...patch.options },
    });
    if (patch.sdl === undefined && patch.openapi === undefined && existing.sdlSource === 'INTROSPECTED') {
      input.sdlSource = 'INTROSPECTED';
      if (existing.options.openapiUrl) input.options.openapiUrl = existing.options.openapiUrl;
    }
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
    let built: Built;
    try {
      built = this.#buildAll(next, input.name);
    } catch (error) {
      const errors = compositionErrorsOf(error);
      if (!errors) throw error;
      return { composes: false, errors, changes: [] };
    }
    return { composes: true, errors: [], changes: await diffApiSchemas(latest?.apiSdl || undefined, built.apiSdl) };
  }

  /** Fetches what was not given (SDL, OpenAPI document) outside the write lock: it's network I/O. */
  async #resolve(definition: BackendDefinition): Promise<BackendInput> {
    const { openapi, sdl, ...rest } = definition;
    const base = { ...rest, openapiDocument: null, options: { ...definition.options } };
    const timeoutMs = definition.timeoutMs ?? this.#options.defaultTimeoutMs;
    const transport = { headers: definition.headers, dispatcher: this.#options.dispatcher, timeoutMs };
    switch (definition.kind) {
      case 'OPENAPI': {
        if (openapi === undefined) throw badUserInput('input.openapi', 'is required for an OPENAPI backend (a URL or the document)');
        const isUrl = isDocumentUrl(openapi);
        const document = isUrl ? await fetchOrRefuse('input.openapi', 'cannot fetch the OpenAPI document', () => fetchOpenApiDocument(openapi.trim(), transport)) : openapi;
        try {
          parseOpenApiDocument(document);
        } catch (error) {
          if (error instanceof SourceDefinitionError) throw badUserInput('input.openapi', error.message);
          throw error;
        }
        base.options.prefix ??= defaultPrefix(definition.name);
        if (isUrl) base.options.openapiUrl = openapi.trim();
        else delete base.options.openapiUrl;
        return { ...base, sdl: '', openapiDocument: document, sdlSource: isUrl ? 'INTROSPECTED' : 'INLINE' };
      }
      case 'GRAPHQL':
        if (sdl !== undefined) return { ...base, sdl, sdlSource: 'INLINE' };
        return {
          ...base,
          sdl: await fetchOrRefuse('input.url', 'cannot introspect the backend', () => fetchGraphQLServiceSdl(definition.url, transport)),
          sdlSource: 'INTROSPECTED',
        };
      case 'FEDERATION_SUBGRAPH':
        if (sdl !== undefined) return { ...base, sdl, sdlSource: 'INLINE' };
        return {
          ...base,
          sdl: await fetchOrRefuse('input.url', 'cannot fetch the SDL', () => fetchSubgraphSdl(definition.url, transport)),
          sdlSource: 'INTROSPECTED',
        };
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
      const built = next.length ? this.#buildAll(next, changed) : undefined;
      const stored = upsert ? await tx.upsertBackend(upsert) : undefined;
      if (remove) await tx.removeBackend(remove);
      const schema = await tx.insertSchemaVersion({
        supergraphSdl: built?.supergraphSdl ?? '',
        apiSdl: built?.apiSdl ?? '',
        backendNames: next.map((backend) => backend.name),
      });
      // Built before commit: a version that cannot be served is never stored.
      const generation = built && { ...built.generation, version: schema.version, composedAt: schema.composedAt };
      return { backend: stored ?? (upsert as BackendRecord | undefined), schema, generation };
    });
    served.swap(generation);
    this.#log.info({ version: schema.version, backend: changed }, 'schema swapped');
    return { backend: backend as BackendRecord, schema };
  }

  /**
   * Composes the federation subgraphs among `backends` and stitches the REST and plain GraphQL
   * ones (and their links) next to them. Refused with COMPOSITION_FAILED when any part fails.
   */
  #buildAll(backends: readonly BackendInput[], changed: string): Built {
    const federation = backends.filter((backend) => backend.kind === 'FEDERATION_SUBGRAPH');
    let supergraphSdl = '';
    if (federation.length) {
      const outcome = composeBackends(federation, changed);
      if (!outcome.ok) {
        this.#log.warn({ backend: changed, errors: outcome.errors.length }, 'composition refused');
        throw compositionFailed(outcome.errors);
      }
      supergraphSdl = outcome.supergraphSdl;
    }
    const generation = this.#build({ version: 0, supergraphSdl, composedAt: new Date() }, backends);
    return { supergraphSdl, generation, apiSdl: printSchema(generation.schema) };
  }

  #build(schema: Pick<SchemaVersionRecord, 'version' | 'supergraphSdl' | 'composedAt'>, backends: readonly BackendInput[]): Generation {
    const { dispatcher, log, defaultTimeoutMs } = this.#options;
    const transports = new Map<string, BackendTransport>(
      backends.map((backend) => [backend.name, { headers: backend.headers, timeoutMs: backend.timeoutMs }]),
    );
    const sources = [];
    const links: DeclaredLink[] = [];
    for (const backend of backends) {
      if (backend.kind === 'FEDERATION_SUBGRAPH') continue;
      let source;
      try {
        source = buildSource(backend, { dispatcher, log, defaultTimeoutMs });
      } catch (error) {
        if (!(error instanceof SourceDefinitionError)) throw error;
        throw compositionFailed([{ message: error.message, code: 'INVALID_SOURCE', backend: backend.name }]);
      }
      sources.push(source);
      for (const link of backend.options.links ?? []) links.push({ backend: backend.name, source, link });
    }
    return buildGeneration({
      version: schema.version,
      supergraphSdl: schema.supergraphSdl,
      composedAt: schema.composedAt,
      sources,
      links,
      transports,
      defaultTimeoutMs,
      dispatcher,
      log,
    });
  }
}

interface Built {
  supergraphSdl: string;
  apiSdl: string;
  generation: Generation;
}

function compositionErrorsOf(error: unknown): CompositionErrorDetail[] | undefined {
  const extensions = (error as GraphQLError | undefined)?.extensions;
  return extensions?.code === ErrorCode.COMPOSITION_FAILED ? (extensions.errors as CompositionErrorDetail[]) : undefined;
}

/** Runs a fetch of a backend's description; its failures are the admin's to fix, on `field`. */
async function fetchOrRefuse(field: string, what: string, fetchIt: () => Promise<string>): Promise<string> {
  try {
    return await fetchIt();
  } catch (error) {
    if (error instanceof SourceDefinitionError) throw badUserInput(field, `${what}: ${error.message}`);
    throw error;
  }
}
