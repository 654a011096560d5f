/**
 * API management as the rest of Gatehouse sees it: plans, consumers, their API keys and
 * trusted documents. The store maps its rows to these records and checks what it reads.
 */

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
 * the data reject with a `StoreRejection` (store/store-error.ts) (duplicate name, plan in use…);
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
