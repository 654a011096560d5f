import type { DocumentNode, ExecutionResult } from 'graphql';
import type { Dispatcher } from 'undici';
import type { CompositionErrorDetail } from '../errors.js';
import type { Logger } from '../log.js';
import type { BackendTracing } from '../telemetry/backend-tracing.js';
import type { Backend, BackendBase, KindFields } from './backend.js';

/**
 * One backend kind (federation subgraph, plain GraphQL service, REST/OpenAPI) behind one seam.
 * A kind owns its admin input rules, how its description (SDL, document) is fetched and parsed,
 * and how it becomes a Federation 2 subgraph: every kind is composed by one composition and
 * served by one planner. Nothing here throws for a user's mistake; it returns what was wrong.
 */
export interface Source<B extends Backend = Backend> {
  readonly kind: B['kind'];
  /** Admin input fields this kind takes besides `name`, `kind`, `url`, `headers` and `timeoutMs`. */
  readonly inputFields: { readonly register: readonly string[]; readonly update: readonly string[] };
  /**
   * Checks the kind's fields of a registration and fetches what was not given (network I/O,
   * so callers run it outside the registry's write lock).
   */
  resolve(base: BackendBase, fields: KindFields, runtime: SourceRuntime): Promise<InputOutcome<Resolved<B>>>;
  /**
   * Checks the kind's fields of an update and fetches what they ask for (outside the lock). The
   * result is applied, inside the lock, to the backend as stored then: fields the update does
   * not name keep the stored value, so concurrent updates of different fields both survive.
   */
  resolvePatch(stored: B, fields: KindFields, runtime: SourceRuntime): Promise<InputOutcome<(current: B) => B>>;
  /** Parses the backend's description once (no I/O). */
  prepare(backend: B, runtime: SourceRuntime): BuildOutcome<PreparedSource>;
}

/** A backend after `resolve`: what to store, and (when resolving already parsed it) its prepared form. */
export interface Resolved<B extends Backend = Backend> {
  backend: B;
  prepared?: BuildOutcome<PreparedSource>;
}

/** What fetching descriptions and building executors need. */
export interface SourceRuntime {
  /** Connection pool for backend calls: the guarded agent (SSRF checks on every connection). */
  dispatcher: Dispatcher;
  log: Logger;
  /** Timeout of backends without their own, in ms. */
  defaultTimeoutMs: number;
  /** Largest answer read from backends without their own limit, in bytes. */
  maxResponseBytes: number;
  /** Largest OpenAPI document accepted (inline or fetched), in bytes. */
  maxDocumentBytes: number;
  /** Tracing on: a client span per backend HTTP request, and `traceparent` sent with it. @default off */
  tracing?: BackendTracing;
}

export type InputOutcome<T> = { ok: true; value: T } | { ok: false; field: string; message: string };
export type BuildOutcome<T> = { ok: true; value: T } | { ok: false; errors: CompositionErrorDetail[] };

/** A backend parsed and ready to become a subgraph once the rest of the graph is known. */
export interface PreparedSource {
  readonly name: string;
  /**
   * The backend's own types (for generated subgraphs, before links add fields to other backends'
   * types), which other backends' links and merges are checked against.
   */
  readonly ownTypes: DocumentNode;
  /** Whether Gatehouse generates the subgraph (REST, plain GraphQL) rather than the backend describing it. */
  readonly generated: boolean;
  /** The types this backend's links extend, and the parent fields their arguments come from. */
  readonly linkRequests: ReadonlyArray<{ type: string; fromFields: readonly string[] }>;
  /** The subgraph: its SDL (final, links resolved against the graph) and its executor. */
  load(graph: GraphView): BuildOutcome<Subgraph>;
}

/** A Federation 2 subgraph, as composition and the query planner need it. */
export interface Subgraph {
  name: string;
  /** Where it is reached; for subgraphs Gatehouse runs in-process, the backend's own URL (informative). */
  url: string;
  typeDefs: DocumentNode;
  executor: SubgraphExecutor;
}

/** One fetch of a query plan, as a subgraph receives it. */
export interface SubgraphRequest {
  /** The operation, as the planner wrote it: sent over HTTP as is. */
  query: string;
  /** The same operation parsed (once per plan): for subgraphs executed in-process. */
  readonly document: DocumentNode;
  operationName?: string;
  operationType: 'query' | 'mutation' | 'subscription';
  variables?: Record<string, unknown>;
  /** The gateway request's context. */
  context?: unknown;
}

/**
 * Runs one fetch. It never rejects for a backend's failure: every failure is a `BACKEND_*` error
 * in the result, so the rest of the plan still runs.
 */
export type SubgraphExecutor = (request: SubgraphRequest) => Promise<ExecutionResult>;

/** The fields of an object type as other backends define them, for links and merges to check against. */
export interface ViewField {
  /** The field's type as SDL, e.g. `String!`. */
  type: string;
}

/**
 * What a backend building its subgraph may know of the others: their object types, and the keys
 * by which they can hand an object over (federation entities).
 */
export interface GraphView {
  /** The object type `name` as the backends other than `except` define it; undefined if none does. */
  objectType(name: string, except: string): ReadonlyMap<string, ViewField> | undefined;
  /**
   * The key the backend `requester` declares to extend `type` with fields computed from `fromFields`:
   * an existing key of the type's owner (fields outside it become `@external` + `@requires`), or,
   * for a type only Gatehouse-generated subgraphs own, `fromFields` themselves (the owners then
   * declare it too, as a key they can provide but not resolve).
   */
  entityKey(type: string, fromFields: readonly string[], requester: string): { ok: true; value: readonly string[] } | { ok: false; reason: string };
  /** Keys that other backends' links need `owner` (a Gatehouse-generated subgraph) to declare on its type `type`. */
  requestedKeys(type: string, owner: string): ReadonlyArray<readonly string[]>;
}

/** Thrown when a backend's description (OpenAPI document, SDL) cannot be turned into a source. */
export class SourceDefinitionError extends Error {
  override name = 'SourceDefinitionError';
  constructor(
    message: string,
    /** Where in the description, e.g. `paths./prices/{sku}.get.responses.200`. */
    readonly location?: string,
  ) {
    super(message);
  }
}
