import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import type { AdvisoryLockKey } from './locks.js';
import * as auditQueries from './audit-queries.js';
import * as cachePolicyQueries from './cache-policy-queries.js';
import * as consumerQueries from './consumer-queries.js';
import * as queries from './queries.js';
import * as usageReads from './usage-reads.js';
import * as usageWrites from './usage-writes.js';
import { attempt, StoreError, storeErrorOf } from './store-error.js';
import type {
  ApiKeyInput,
  CachePolicyInput,
  ConsumerInput,
  ConsumerPatch,
  PlanInput,
  PlanPatch,
  RecordRef,
  RegistryTransaction,
  Store,
  AuditStore,
  TrustedDocumentInput,
  UsageStore,
} from './types.js';

export interface KyselyStoreOptions {
  engine: Store['engine'];
  /** Advisory lock taken first in every `withRegistryLock` transaction. */
  registryLock: AdvisoryLockKey;
  /** Advisory lock the usage rollup tries first, so instances don't queue behind each other. */
  usageRollupLock: AdvisoryLockKey;
  /** Engine clean-up after the database is closed (e.g. releasing a data-dir lock). */
  onClosed?: () => Promise<void>;
}

/** State of one `withRegistryLock` callback while it runs. */
interface LockScope {
  isOpen: boolean;
}

/**
 * The `Store` over any `Kysely<Database>` whose tables are migrated: the engine
 * files only build the dialect and then hand over here.
 */
export function createKyselyStore(db: Kysely<Database>, options: KyselyStoreOptions): Store {
  return new KyselyStore(db, options);
}

class KyselyStore implements Store {
  readonly engine: Store['engine'];
  readonly #db: Kysely<Database>;
  readonly #registryLock: AdvisoryLockKey;
  readonly #onClosed: () => Promise<void>;
  // One per store: a callback holding store A's lock may still use store B.
  readonly #lockScope = new AsyncLocalStorage<LockScope>();
  /** Lock callbacks running now; at 0 the storage is disabled again (see `#runInLockScope`). */
  #openScopes = 0;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  readonly usage: UsageStore;
  readonly audit: AuditStore;

  constructor(db: Kysely<Database>, { engine, registryLock, usageRollupLock, onClosed = async () => {} }: KyselyStoreOptions) {
    this.engine = engine;
    this.#db = db;
    this.#registryLock = registryLock;
    this.#onClosed = onClosed;
    this.usage = {
      write: (rows, operations, seenAtMs) =>
        this.#run('usage.write', `write ${rows.length} usage records`, () => usageWrites.writeUsage(db, rows, operations, seenAtMs)),
      rollUp: (options) => this.#run('usage.rollUp', 'roll usage records up', () => usageWrites.rollUpUsage(db, usageRollupLock, options)),
      prune: (horizons) => this.#run('usage.prune', 'delete old usage records', () => usageWrites.pruneUsage(db, horizons)),
      aggregate: (query) => this.#run('usage.aggregate', 'read usage', () => usageReads.aggregateUsage(db, query)),
      histogram: (query) => this.#run('usage.histogram', 'read latencies', () => usageReads.usageHistogram(db, query)),
    };
    this.audit = {
      append: (entry) => this.#run('audit.append', `write the audit entry of ${entry.action}`, () => auditQueries.appendAuditEntry(db, entry)),
      list: (options) => this.#run('audit.list', 'read the audit log', () => auditQueries.listAuditEntries(db, options)),
      prune: (before) => this.#run('audit.prune', 'delete old audit entries', () => auditQueries.pruneAuditLog(db, before)),
    };
  }

  listBackends() {
    return this.#run('listBackends', 'list the backends', () => queries.listBackends(this.#db));
  }

  getBackend(name: string) {
    return this.#run('getBackend', `read backend "${name}"`, () => queries.getBackend(this.#db, name));
  }

  latestSchemaVersion() {
    return this.#run('latestSchemaVersion', 'read the latest schema version', () =>
      queries.latestSchemaVersion(this.#db),
    );
  }

  latestSchemaVersionNumber() {
    return this.#run('latestSchemaVersionNumber', 'read the latest schema version number', () =>
      queries.latestSchemaVersionNumber(this.#db),
    );
  }

  listSchemaVersions(limit: number) {
    return this.#run('listSchemaVersions', 'list the schema versions', () =>
      queries.listSchemaVersions(this.#db, limit),
    );
  }

  getSetting(key: string) {
    return this.#run('getSetting', `read setting "${key}"`, () => queries.getSetting(this.#db, key));
  }

  setSettingIfAbsent(key: string, value: string) {
    return this.#run('setSettingIfAbsent', `set setting "${key}"`, () =>
      queries.setSettingIfAbsent(this.#db, key, value),
    );
  }

  // ─── plans, consumers, keys, trusted documents: one autocommitted statement each ───

  createPlan(plan: PlanInput) {
    return this.#run('createPlan', `create plan "${plan.name}"`, () => consumerQueries.createPlan(this.#db, plan));
  }

  updatePlan(name: string, patch: PlanPatch) {
    return this.#run('updatePlan', `update plan "${name}"`, () => consumerQueries.updatePlan(this.#db, name, patch));
  }

  getPlan(ref: RecordRef) {
    return this.#run('getPlan', `read plan ${describeRef(ref)}`, () => consumerQueries.getPlan(this.#db, ref));
  }

  listPlans() {
    return this.#run('listPlans', 'list the plans', () => consumerQueries.listPlans(this.#db));
  }

  deletePlan(name: string) {
    return this.#run('deletePlan', `delete plan "${name}"`, () => consumerQueries.deletePlan(this.#db, name));
  }

  createConsumer(consumer: ConsumerInput) {
    return this.#run('createConsumer', `create consumer "${consumer.name}"`, () =>
      consumerQueries.createConsumer(this.#db, consumer),
    );
  }

  updateConsumer(name: string, patch: ConsumerPatch) {
    return this.#run('updateConsumer', `update consumer "${name}"`, () =>
      consumerQueries.updateConsumer(this.#db, name, patch),
    );
  }

  getConsumer(ref: RecordRef) {
    return this.#run('getConsumer', `read consumer ${describeRef(ref)}`, () => consumerQueries.getConsumer(this.#db, ref));
  }

  listConsumers(options: { first: number; after?: string | null }) {
    return this.#run('listConsumers', 'list the consumers', () => consumerQueries.listConsumers(this.#db, options));
  }

  deleteConsumer(name: string) {
    return this.#run('deleteConsumer', `delete consumer "${name}"`, () => consumerQueries.deleteConsumer(this.#db, name));
  }

  insertApiKey(key: ApiKeyInput) {
    // The prefix, never the hash, names the key in messages.
    return this.#run('insertApiKey', `save API key ${key.prefix}`, () => consumerQueries.insertApiKey(this.#db, key));
  }

  getApiKey(id: string) {
    return this.#run('getApiKey', `read API key ${id}`, () => consumerQueries.getApiKey(this.#db, id));
  }

  listApiKeys(consumerId: string) {
    return this.#run('listApiKeys', 'list API keys', () => consumerQueries.listApiKeys(this.#db, consumerId));
  }

  revokeApiKey(id: string) {
    return this.#run('revokeApiKey', `revoke API key ${id}`, () => consumerQueries.revokeApiKey(this.#db, id));
  }

  setApiKeyExpiry(id: string, expiresAt: Date | null) {
    return this.#run('setApiKeyExpiry', `set the expiry of API key ${id}`, () =>
      consumerQueries.setApiKeyExpiry(this.#db, id, expiresAt),
    );
  }

  findKeyOwner(keyHash: string) {
    return this.#run('findKeyOwner', 'look up an API key', () => consumerQueries.findKeyOwner(this.#db, keyHash));
  }

  addTrustedDocuments(documents: TrustedDocumentInput[]) {
    return this.#run('addTrustedDocuments', 'add trusted documents', () =>
      consumerQueries.addTrustedDocuments(this.#db, documents),
    );
  }

  getTrustedDocument(hash: string) {
    return this.#run('getTrustedDocument', `read trusted document ${hash}`, () =>
      consumerQueries.getTrustedDocument(this.#db, hash),
    );
  }

  listTrustedDocuments() {
    return this.#run('listTrustedDocuments', 'list the trusted documents', () =>
      consumerQueries.listTrustedDocuments(this.#db),
    );
  }

  removeTrustedDocument(hash: string) {
    return this.#run('removeTrustedDocument', `remove trusted document ${hash}`, () =>
      consumerQueries.removeTrustedDocument(this.#db, hash),
    );
  }

  // ─── response cache policies ───

  listCachePolicies() {
    return this.#run('listCachePolicies', 'list the cache policies', () => cachePolicyQueries.listCachePolicies(this.#db));
  }

  setCachePolicy(policy: CachePolicyInput) {
    return this.#run('setCachePolicy', `set the cache policy of "${policy.coordinate}"`, () => cachePolicyQueries.setCachePolicy(this.#db, policy));
  }

  removeCachePolicy(coordinate: string) {
    return this.#run('removeCachePolicy', `remove the cache policy of "${coordinate}"`, () => cachePolicyQueries.removeCachePolicy(this.#db, coordinate));
  }

  withRegistryLock<T>(fn: (tx: RegistryTransaction) => Promise<T>): Promise<T> {
    return this.#track('withRegistryLock', async () => {
      const scope: LockScope = { isOpen: true };
      // Errors from `fn` are the caller's (e.g. a composition failure) and go
      // back unchanged; only the store's own failures become StoreErrors.
      let callbackFailure: { error: unknown } | undefined;
      try {
        // Read committed, not repeatable read: a repeatable-read snapshot would
        // be taken by the lock statement itself, before the previous holder
        // committed, and "read → compose → write" would work on stale rows.
        return await this.#db.transaction().execute(async (trx) => {
          const [classId, objectId] = this.#registryLock;
          await attempt('take the registry lock', () =>
            sql`select pg_advisory_xact_lock(${classId}, ${objectId})`.execute(trx),
          );
          try {
            return await this.#runInLockScope(scope, () => fn(createRegistryTransaction(trx, scope)));
          } catch (error) {
            callbackFailure = { error };
            throw error;
          } finally {
            scope.isOpen = false;
          }
        });
      } catch (error) {
        if (callbackFailure && callbackFailure.error === error) throw error;
        throw storeErrorOf('Could not commit the registry transaction.', error);
      }
    });
  }

  async close(): Promise<void> {
    this.#assertOutsideLock('close');
    this.#closing ??= (async () => {
      // Let running calls finish (graceful shutdown drains admin writes) before
      // the connections go away under them.
      await Promise.allSettled(this.#inFlight);
      await attempt('close the store', () => this.#db.destroy());
      await this.#onClosed();
    })();
    await this.#closing;
  }

  #run<T>(method: string, what: string, query: () => Promise<T>): Promise<T> {
    return this.#track(method, () => attempt(what, query));
  }

  #track<T>(method: string, operation: () => Promise<T>): Promise<T> {
    try {
      this.#assertOutsideLock(method);
      if (this.#closing) throw new StoreError(`Store.${method}() called after close().`);
    } catch (error) {
      return Promise.reject(error);
    }
    const running = operation();
    const settled: Promise<unknown> = running.then(
      () => this.#inFlight.delete(settled),
      () => this.#inFlight.delete(settled),
    );
    this.#inFlight.add(settled);
    return running;
  }

  /**
   * An enabled AsyncLocalStorage makes Node run promise hooks on every promise of the process,
   * a cost the request path would pay forever after the first admin write. So the storage is
   * enabled only while a lock callback runs, and disabled when the last one is done.
   */
  async #runInLockScope<T>(scope: LockScope, fn: () => Promise<T>): Promise<T> {
    this.#openScopes++;
    try {
      return await this.#lockScope.run(scope, fn);
    } finally {
      if (--this.#openScopes === 0) this.#lockScope.disable();
    }
  }

  /**
   * Inside `withRegistryLock` the callback's transaction holds the registry
   * lock and, on PGlite, the only connection: a store call from there would
   * wait for the callback forever. Fail loudly instead, on both engines.
   */
  #assertOutsideLock(method: string): void {
    if (this.#lockScope.getStore()?.isOpen) {
      throw new StoreError(
        `Store.${method}() called inside withRegistryLock(); use the transaction passed to the callback.`,
      );
    }
  }
}

function describeRef(ref: RecordRef): string {
  return 'id' in ref ? ref.id : `"${ref.name}"`;
}

function createRegistryTransaction(trx: Kysely<Database>, scope: LockScope): RegistryTransaction {
  const inScope = <T>(what: string, query: () => Promise<T>): Promise<T> => {
    if (!scope.isOpen) {
      return Promise.reject(new StoreError('Registry transaction used after its callback returned.'));
    }
    return attempt(what, query);
  };
  return {
    listBackends: () => inScope('list the backends', () => queries.listBackends(trx)),
    getBackend: (name) => inScope(`read backend "${name}"`, () => queries.getBackend(trx, name)),
    upsertBackend: (backend) => inScope(`save backend "${backend.name}"`, () => queries.upsertBackend(trx, backend)),
    removeBackend: (name) => inScope(`remove backend "${name}"`, () => queries.removeBackend(trx, name)),
    insertSchemaVersion: (schema) => inScope('save the schema version', () => queries.insertSchemaVersion(trx, schema)),
    latestSchemaVersion: () => inScope('read the latest schema version', () => queries.latestSchemaVersion(trx)),
    pruneSchemaVersions: (keep) => inScope('delete old schema versions', () => queries.pruneSchemaVersions(trx, keep)),
  };
}
