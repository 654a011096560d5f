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

// ─── API management: plans, consumers, keys, trusted documents ───────────────────────────────

export type QuotaPeriod = 'DAY' | 'MONTH';

/** What a consumer may do. Every limit is optional: `null` means "no limit". */
export interface PlanRecord {
  id: string;
  /** Unique, `^[a-z][a-z0-9_-]{0,62}$`. */
  name: string;
  /** Cost points admitted per window (GCRA / token bucket). */
  rateLimitPoints: number | null;
  rateLimitWindowSeconds: number;
  quotaPeriod: QuotaPeriod;
  /** Cost points per quota period. */
  quotaCostPoints: number | null;
  /** Requests per quota period. */
  quotaRequests: number | null;
  /** Highest static cost of one operation. */
  maxCost: number | null;
  /** Deepest selection nesting of one operation. */
  maxDepth: number | null;
  introspectionAllowed: boolean;
  /** Only documents registered as trusted documents are accepted. */
  trustedDocumentsOnly: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type PlanInput = Omit<PlanRecord, 'id' | 'createdAt' | 'updatedAt'>;

/** Fields of a plan to change; absent ones keep their value. */
export type PlanPatch = Partial<Omit<PlanInput, 'name'>>;

export interface ConsumerRecord {
  id: string;
  /** Unique, `^[a-z0-9][a-z0-9._-]{0,127}$` (also what a JWT claim maps to). */
  name: string;
  planId: string;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type ConsumerInput = Omit<ConsumerRecord, 'id' | 'createdAt' | 'updatedAt'>;

/** Fields of a consumer to change; absent ones keep their value. */
export type ConsumerPatch = Partial<Pick<ConsumerInput, 'planId' | 'disabled'>>;

/** A plan or consumer, by its id or by its unique name. */
export type RecordRef = { id: string } | { name: string };

export interface ApiKeyRecord {
  id: string;
  consumerId: string;
  /** Shown to admins and in logs to tell keys apart, e.g. `gh_live_ab12cd34`. Never the secret. */
  prefix: string;
  /** SHA-256 (hex) of the whole key; the plaintext is never stored. */
  keyHash: string;
  label: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export type ApiKeyInput = Omit<ApiKeyRecord, 'id' | 'createdAt' | 'revokedAt'>;

/** What authentication needs in one query: the key, its consumer and the consumer's plan. */
export interface KeyOwner {
  key: ApiKeyRecord;
  consumer: ConsumerRecord;
  plan: PlanRecord;
}

export interface TrustedDocumentRecord {
  /** `sha256:<hex>` of the document text, as Hive and Apollo persisted documents use. */
  hash: string;
  document: string;
  createdAt: Date;
}

export type TrustedDocumentInput = Omit<TrustedDocumentRecord, 'createdAt'>;

export interface Page<T> {
  items: T[];
  /** Pass as `after` to get the next page; null on the last page. */
  endCursor: string | null;
  totalCount: number;
}

/**
 * Plans, consumers, API keys and trusted documents. Every write is one
 * statement, durable once its promise resolves. Writes that break a rule of
 * the data reject with a `StoreRejection` (duplicate name, plan in use…);
 * anything else with a `StoreError`.
 */
export interface ConsumerStore {
  /** Rejects with `name-taken` when the name exists. */
  createPlan(plan: PlanInput): Promise<PlanRecord>;
  /** Undefined when no plan has that name. */
  updatePlan(name: string, patch: PlanPatch): Promise<PlanRecord | undefined>;
  getPlan(ref: RecordRef): Promise<PlanRecord | undefined>;
  /** By name. */
  listPlans(): Promise<PlanRecord[]>;
  /** Returns whether a plan was deleted; rejects with `plan-in-use` while consumers use it. */
  deletePlan(name: string): Promise<boolean>;

  /** Rejects with `name-taken` or `plan-missing`. */
  createConsumer(consumer: ConsumerInput): Promise<ConsumerRecord>;
  /** Undefined when no consumer has that name; rejects with `plan-missing`. */
  updateConsumer(name: string, patch: ConsumerPatch): Promise<ConsumerRecord | undefined>;
  getConsumer(ref: RecordRef): Promise<ConsumerRecord | undefined>;
  /**
   * By name, `first` at a time, after the `endCursor` of the previous page.
   * Rejects with `bad-cursor` for a cursor not made by `consumerCursor`.
   */
  listConsumers(options: { first: number; after?: string | null }): Promise<Page<ConsumerRecord>>;
  /** Returns whether a consumer was deleted; its API keys go with it. */
  deleteConsumer(name: string): Promise<boolean>;

  /** Stores a new key (its hash; the plaintext never reaches the store). */
  insertApiKey(key: ApiKeyInput): Promise<ApiKeyRecord>;
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** A consumer's keys, oldest first. */
  listApiKeys(consumerId: string): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked now (a key revoked before keeps its first time); undefined for an unknown id. */
  revokeApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Sets or (with null) clears the expiry; undefined for an unknown id. */
  setApiKeyExpiry(id: string, expiresAt: Date | null): Promise<ApiKeyRecord | undefined>;
  /**
   * The key with that SHA-256 hash, its consumer and the consumer's plan, in one
   * indexed query. Returned whatever their state: the caller checks
   * `key.revokedAt`, `key.expiresAt` and `consumer.disabled`.
   */
  findKeyOwner(keyHash: string): Promise<KeyOwner | undefined>;

  /** Stores documents not stored yet (idempotent on hash); returns the records of all of them, in order. */
  addTrustedDocuments(documents: TrustedDocumentInput[]): Promise<TrustedDocumentRecord[]>;
  getTrustedDocument(hash: string): Promise<TrustedDocumentRecord | undefined>;
  /** Oldest first. */
  listTrustedDocuments(): Promise<TrustedDocumentRecord[]>;
  /** Returns whether a document was removed. */
  removeTrustedDocument(hash: string): Promise<boolean>;
}
