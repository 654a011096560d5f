import type { ConsumerStore } from '../consumers/types.js';

export type * from '../consumers/types.js';

/**
 * Durable state of one Gatehouse deployment: the backend registry, the
 * history of composed schemas, a few settings, and the API-management data
 * (plans, consumers, API keys, trusted documents). One interface, two engines
 * (embedded PGlite in `GATEHOUSE_DATA_DIR`, or a PostgreSQL server), one set
 * of migrations.
 */

export type BackendKind = 'FEDERATION_SUBGRAPH' | 'GRAPHQL' | 'OPENAPI';

/** Where a backend's SDL (or OpenAPI document) came from. */
export type SdlSource = 'INTROSPECTED' | 'INLINE';

export interface BackendRecord {
  /** Unique, `^[a-z][a-z0-9_-]{0,62}$` — also the subgraph name in the supergraph. */
  name: string;
  kind: BackendKind;
  url: string;
  /** Headers sent with every request to the backend (may hold credentials: never logged, never returned). */
  headers: Record<string, string>;
  sdl: string;
  sdlSource: SdlSource;
  /** Per-backend timeout; `null` means the gateway default. */
  timeoutMs: number | null;
  /** OPENAPI: the OpenAPI document (JSON or YAML text) the source is built from. */
  openapiDocument: string | null;
  options: BackendOptions;
  createdAt: Date;
  updatedAt: Date;
}

/** Kind-specific settings of a backend. */
export interface BackendOptions {
  /** Prefix of the backend's type and root field names (OPENAPI default: the backend name). */
  prefix?: string;
  /** Fields this backend adds to types owned by other backends. */
  links?: LinkDefinition[];
  /** OPENAPI: include the backend's status and body in errors (for debugging; off by default). */
  exposeErrors?: boolean;
  /** OPENAPI: where the document was fetched from, when it was given as a URL. */
  openapiUrl?: string;
  /** GRAPHQL: types this backend shares with others, merged by a key (they keep their names). */
  merge?: MergeDefinition[];
}

/** A GRAPHQL backend's type merged with the type of the same name elsewhere in the graph. */
export interface MergeDefinition {
  type: string;
  /** Root Query field (as the backend names it) returning the type for one key. */
  rootField: string;
  /** Field of the type holding the key, e.g. `upc`. */
  keyField: string;
  /** Argument of `rootField` taking the key. */
  argument: string;
}

/**
 * `type.field` is resolved by this backend: an OpenAPI operation or a root field of a plain
 * GraphQL backend, called with arguments taken from fields of the parent object.
 */
export interface LinkDefinition {
  type: string;
  field: string;
  /** OPENAPI: the operationId (as in the document). */
  operation?: string;
  /** GRAPHQL: the root Query field (as the backend names it, before any prefix). */
  rootField?: string;
  /** Operation argument → field of the parent type it is taken from. */
  arguments: Record<string, string>;
  /** OPENAPI: an operation taking many keys at once; answers a list in the order of the keys. */
  batch?: { operation: string; argument: string; maxBatchSize: number };
}

/** What callers provide; timestamps are set by the store. */
export type BackendInput = Omit<BackendRecord, 'createdAt' | 'updatedAt'>;

export interface SchemaVersionRecord {
  /** Monotonic, starts at 1. */
  version: number;
  supergraphSdl: string;
  /** The public (API) schema SDL, as clients see it. */
  apiSdl: string;
  /** Names of the backends composed into this version. */
  backendNames: string[];
  composedAt: Date;
}

export type SchemaVersionInput = Omit<SchemaVersionRecord, 'version' | 'composedAt'>;

/**
 * The registry as seen inside one serialised write. Writes from several
 * instances (PostgreSQL) or several admin requests are serialised by the
 * store, so "read backends → compose → write" cannot lose an update.
 */
export interface RegistryTransaction {
  listBackends(): Promise<BackendRecord[]>;
  getBackend(name: string): Promise<BackendRecord | undefined>;
  /** Insert or replace by name; returns the stored record. */
  upsertBackend(backend: BackendInput): Promise<BackendRecord>;
  /** Returns whether a backend was removed. */
  removeBackend(name: string): Promise<boolean>;
  insertSchemaVersion(schema: SchemaVersionInput): Promise<SchemaVersionRecord>;
}

export interface Store extends ConsumerStore {
  readonly engine: 'embedded' | 'postgres';
  listBackends(): Promise<BackendRecord[]>;
  getBackend(name: string): Promise<BackendRecord | undefined>;
  latestSchemaVersion(): Promise<SchemaVersionRecord | undefined>;
  /** The newest `limit` schema versions, newest first. */
  listSchemaVersions(limit: number): Promise<SchemaVersionRecord[]>;
  /**
   * Runs `fn` in one transaction holding the registry write lock. Everything
   * `fn` wrote is durable once the returned promise resolves; if `fn` throws,
   * nothing it wrote is kept and the error is rethrown.
   */
  withRegistryLock<T>(fn: (tx: RegistryTransaction) => Promise<T>): Promise<T>;
  getSetting(key: string): Promise<string | undefined>;
  /** Sets `key` only if it has no value yet; returns the value now stored. */
  setSettingIfAbsent(key: string, value: string): Promise<string>;
  close(): Promise<void>;
}

export type StoreConfig =
  | { engine: 'embedded'; dataDir: string }
  | {
      engine: 'postgres';
      connectionString: string;
      /** PostgreSQL schema holding Gatehouse's tables (tests use one per test). @default 'gatehouse' */
      schema?: string;
    };
