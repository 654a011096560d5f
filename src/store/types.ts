import type { AuditStore } from '../audit/types.js';
import type { ConsumerStore } from '../consumers/types.js';
import type { UsageStore } from '../usage/types.js';
import type { Backend, BackendRecord } from '../sources/backend.js';

export type * from '../consumers/types.js';
export type { AuditStore } from '../audit/types.js';
export type { UsageStore } from '../usage/types.js';

/**
 * Durable state of one Gatehouse deployment: the backend registry, the
 * history of composed schemas, a few settings, and the API-management data
 * (plans, consumers, API keys, trusted documents). One interface, two engines
 * (embedded PGlite in `GATEHOUSE_DATA_DIR`, or a PostgreSQL server), one set
 * of migrations.
 */

export type { Backend, BackendKind, BackendRecord } from '../sources/backend.js';

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
  upsertBackend(backend: Backend): Promise<BackendRecord>;
  /** Returns whether a backend was removed. */
  removeBackend(name: string): Promise<boolean>;
  insertSchemaVersion(schema: SchemaVersionInput): Promise<SchemaVersionRecord>;
  latestSchemaVersion(): Promise<SchemaVersionRecord | undefined>;
  /** Deletes all but the newest `keep` schema versions; returns how many went. */
  pruneSchemaVersions(keep: number): Promise<number>;
}

/** A response cache policy set through the admin API: it overrides the subgraphs' `@cacheControl` hint there. */
export interface CachePolicyRecord {
  /** `Type` or `Type.field`. */
  coordinate: string;
  maxAgeSeconds: number;
  scope: 'PUBLIC' | 'PRIVATE';
  createdAt: Date;
  updatedAt: Date;
}

export type CachePolicyInput = Pick<CachePolicyRecord, 'coordinate' | 'maxAgeSeconds' | 'scope'>;

export interface CachePolicyStore {
  /** Every policy, by coordinate. */
  listCachePolicies(): Promise<CachePolicyRecord[]>;
  /** Inserts or replaces the policy of `coordinate`. */
  setCachePolicy(policy: CachePolicyInput): Promise<CachePolicyRecord>;
  /** Returns whether a policy was removed. */
  removeCachePolicy(coordinate: string): Promise<boolean>;
}

export interface Store extends ConsumerStore, CachePolicyStore {
  readonly engine: 'embedded' | 'postgres';
  listBackends(): Promise<BackendRecord[]>;
  getBackend(name: string): Promise<BackendRecord | undefined>;
  latestSchemaVersion(): Promise<SchemaVersionRecord | undefined>;
  /** `latestSchemaVersion()`'s version alone (cheap: polled by every instance). */
  latestSchemaVersionNumber(): Promise<number | undefined>;
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
  /** Usage records, their rollups and the analytics over them (src/usage/). */
  readonly usage: UsageStore;
  /** The admin API's audit log (src/audit/). */
  readonly audit: AuditStore;
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
