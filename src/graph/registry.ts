import type { ChangeFeed } from '../cluster/change-feed.js';
import type { CompositionErrorDetail } from '../errors.js';
import type { Logger } from '../log.js';
import { isSameBackend, type Backend, type BackendBase, type BackendKind, type BackendRecord, type KindFields } from '../sources/backend.js';
import { sourceOf } from '../sources/index.js';
import { pickKindFields } from '../sources/kind-fields.js';
import type { PreparedSource, SourceRuntime } from '../sources/types.js';
import type { RegistryTransaction, SchemaVersionRecord, Store } from '../store/types.js';
import { buildGraph } from './build.js';
import { coordinatesAffectedBy, type ChangeUsage, type ChangeUsageLookup } from './change-usage.js';
import { diffApiSchemas, type SchemaChange } from './diff.js';
import type { Generation, ServedGraph } from './generation.js';

/** A backend as an admin registers it: the fields every kind has, and the kind's own. */
export interface BackendRegistration extends BackendBase {
  kind: BackendKind;
  fields: KindFields;
}

/** An update: fields left out keep their stored value; `timeoutMs: null` returns to the default. */
export interface BackendUpdate {
  name: string;
  url?: string;
  headers?: Record<string, string>;
  /** Replaces the list of forwarded client headers. */
  forwardHeaders?: string[];
  timeoutMs?: number | null;
  maxResponseBytes?: number | null;
  fields: KindFields;
}

/** Why a write was refused, for the admin API to report. Nothing was stored. */
export type RegistryRefusal =
  | { kind: 'input'; field: string; message: string }
  | { kind: 'not-found'; field: string; message: string }
  | { kind: 'composition'; errors: CompositionErrorDetail[] };

export type RegistryOutcome<T> = { ok: true; value: T } | { ok: false; refusal: RegistryRefusal };

export interface WriteResult {
  backend: BackendRecord;
  schema: SchemaVersionRecord;
  /** False when the write changed nothing: no new schema version was made. */
  changed: boolean;
}

/** A change as a check reports it: with who used what it touches, when usage is recorded. */
export interface CheckedChange extends SchemaChange {
  /** Breaking and dangerous changes only; null when not looked up (or usage is not recorded). */
  usage: ChangeUsage | null;
  /** A breaking change that no one used within the window: safe to ship. */
  safeBecauseUnused: boolean;
}

export interface CheckResult {
  composes: boolean;
  errors: CompositionErrorDetail[];
  changes: CheckedChange[];
  /** Start of the usage window consulted; null when usage is not recorded. */
  usageSince: Date | null;
}

/** What `refresh` found: already serving the newest stored version, now serving it, or unable to build it. */
export type RefreshOutcome =
  | { kind: 'current'; version: number }
  | { kind: 'refreshed'; version: number }
  | { kind: 'failed'; version: number; errors: CompositionErrorDetail[] };
/** Told the outcome of every write that changes the graph (metrics count them). */
export interface RegistryObserver {
  /** The new graph composed, was stored and is served as `version`. */
  compositionAccepted(version: number): void;
  /** The new graph did not compose: nothing was stored. */
  compositionRefused(): void;
}

export interface RegistryOptions {
  store: Store;
  served: ServedGraph;
  runtime: SourceRuntime;
  log: Logger;
  /** Schema versions kept in the store; older ones are deleted as new ones are made. @default 100 */
  schemaVersionsKept?: number;
  /** Told `registry-changed` after each committed write, so other instances serve it. @default none */
  feed?: Pick<ChangeFeed, 'publish'> | undefined;
  /** @default none */
  observer?: RegistryObserver;
  /** Usage of what a change touches, for `check`. @default undefined (changes are reported without usage) */
  changeUsage?: ChangeUsageLookup | undefined;
}

/**
 * The write side of the graph: it serialises admin writes, stores them and swaps the served
 * generation. Fetching descriptions happens before the write lock (network I/O); building the
 * graph, storing and committing inside it, so a version that cannot be served is never stored.
 */
export class Registry {
  readonly #store: Store;
  readonly #served: ServedGraph;
  readonly #runtime: SourceRuntime;
  readonly #log: Logger;
  readonly #kept: number;
  readonly #feed: Pick<ChangeFeed, 'publish'> | undefined;
  readonly #observer: RegistryObserver | undefined;
  readonly #changeUsage: ChangeUsageLookup | undefined;
  /** Backends as last prepared (parsed), reused while their stored record is unchanged. */
  #prepared = new Map<string, { stamp: string; prepared: PreparedSource }>();
  /** The stored version that last failed to build: reported once, not at every poll. */
  #failedVersion: number | undefined;

  constructor({ store, served, runtime, log, schemaVersionsKept = 100, feed, observer, changeUsage }: RegistryOptions) {
    this.#observer = observer;
    this.#changeUsage = changeUsage;
    this.#store = store;
    this.#served = served;
    this.#runtime = runtime;
    this.#log = log.child({ component: 'registry' });
    this.#kept = schemaVersionsKept;
    this.#feed = feed;
  }

  /** Serves what the store holds, recomposed from the stored backends. */
  async start(): Promise<void> {
    const outcome = await this.refresh();
    if (outcome.kind === 'failed') {
      throw new Error(`The stored backends no longer build a graph: ${outcome.errors.map((error) => error.message).join('; ')}`);
    }
  }

  /**
   * Serves the newest stored version when this instance serves an older one (another instance
   * wrote it, or this one just started), rebuilt from the stored backends through the same build
   * as a write; backends whose stored record is unchanged keep their parse. Rejects when the store
   * fails; a version that does not build leaves the served one in place.
   */
  async refresh(): Promise<RefreshOutcome> {
    for (let attempt = 1; ; attempt++) {
      const newest = await this.#store.latestSchemaVersionNumber();
      if (newest === undefined || newest <= this.#served.version) return { kind: 'current', version: this.#served.version };
      const backends = await this.#store.listBackends();
      const latest = await this.#store.latestSchemaVersion();
      if (!latest) return { kind: 'current', version: this.#served.version };
      // Each read sees what was committed when it ran. The backends belong to version `newest`
      // only if no write committed between the first read and the last: otherwise read again.
      if (latest.version === newest) return this.#serveStored(latest, backends);
      // Still racing writers: the backends are at least as new as `newest`, so serve them as that
      // version (never claim a newer one than they are); the next poll or event catches up.
      if (attempt === 5) return this.#serveStored({ ...latest, version: newest }, backends);
    }
  }

  #serveStored(latest: SchemaVersionRecord, backends: BackendRecord[]): RefreshOutcome {
    const { version, composedAt } = latest;
    if (backends.length === 0) {
      this.#served.swap(undefined, version);
      this.#log.info({ version }, 'serving stored schema version: no backends');
      return { kind: 'refreshed', version };
    }
    const built = this.#build(backends, { version, composedAt });
    if (!built.ok) {
      const errors = built.refusal.kind === 'composition' ? built.refusal.errors : [];
      if (this.#failedVersion !== version) {
        this.#failedVersion = version;
        this.#log.error({ version, errors }, 'stored schema version does not build; still serving the previous one');
      }
      return { kind: 'failed', version, errors };
    }
    // False when a newer version was swapped in meanwhile (a write on this instance): that one stays.
    if (this.#served.swap(built.value)) this.#log.info({ version }, 'serving stored schema version');
    return { kind: 'refreshed', version };
  }

  async register(registration: BackendRegistration): Promise<RegistryOutcome<WriteResult>> {
    const resolved = await this.#resolve(registration);
    if (!resolved.ok) return resolved;
    const { backend, prepared } = resolved.value;
    return withBackend(
      await this.#write(backend.name, async (_tx, stored) => {
        if (stored.some((existing) => existing.name === backend.name)) {
          return refuse('input', 'name', `a backend named "${backend.name}" is already registered; use updateBackend`);
        }
        return { ok: true, value: { next: [...stored, backend], upsert: backend, prepared } };
      }),
    );
  }

  async update({ name, fields, ...common }: BackendUpdate): Promise<RegistryOutcome<WriteResult>> {
    const stored = await this.#store.getBackend(name);
    if (!stored) return refuse('not-found', 'name', `No backend named "${name}".`);
    const source = sourceOf(stored.kind);
    const kindFields = pickKindFields(fields, source.inputFields.update, stored.kind);
    if (!kindFields.ok) return refuse('input', kindFields.field, kindFields.message);
    const commonPatch = withoutUndefined(common);
    const patch = await source.resolvePatch({ ...withoutTimestamps(stored), ...commonPatch }, kindFields.value, this.#runtime);
    if (!patch.ok) return refuse('input', patch.field, patch.message);

    return withBackend(await this.#write(name, async (tx, backends) => {
      // The patch applies to the backend as stored now, not as read before the lock.
      const current = backends.find((backend) => backend.name === name);
      if (!current) return refuse('not-found', 'name', `No backend named "${name}".`);
      if (current.kind !== stored.kind) return refuse('input', 'name', `backend "${name}" was replaced by a ${current.kind} backend meanwhile; retry`);
      const before = withoutTimestamps(current);
      const next = patch.value({ ...before, ...commonPatch });
      if (isSameBackend(next, before)) {
        const schema = await tx.latestSchemaVersion();
        if (schema) return { ok: true, value: { unchanged: { backend: current, schema } } } satisfies { ok: true; value: WritePlan };
      }
      return { ok: true, value: { next: backends.map((backend): Backend | BackendRecord => (backend.name === name ? next : backend)), upsert: next } };
    }));
  }

  async remove(name: string): Promise<RegistryOutcome<{ schema: SchemaVersionRecord }>> {
    const written = await this.#write(name, async (_tx, backends) => {
      if (!backends.some((backend) => backend.name === name)) return refuse('not-found', 'name', `No backend named "${name}".`);
      return { ok: true, value: { next: backends.filter((backend) => backend.name !== name), remove: name } };
    });
    return written.ok ? { ok: true, value: { schema: written.value.schema } } : written;
  }

  /** Dry run of registering (or replacing) a backend: would it compose, and what would clients see change? */
  async check(registration: BackendRegistration): Promise<RegistryOutcome<CheckResult>> {
    const resolved = await this.#resolve(registration);
    if (!resolved.ok) return resolved;
    const { backend, prepared } = resolved.value;
    const stored = await this.#store.listBackends();
    const next = [...stored.filter((existing) => existing.name !== backend.name), backend];
    const built = this.#build(next, { version: 0, composedAt: new Date(), changed: backend.name, preparedNew: prepared && { name: backend.name, prepared } });
    if (!built.ok) {
      if (built.refusal.kind !== 'composition') return built;
      return { ok: true, value: { composes: false, errors: built.refusal.errors, changes: [], usageSince: null } };
    }
    const served = this.#served.current;
    const changes = await diffApiSchemas(served?.apiSdl, built.value.apiSdl);
    const lookup = served && this.#changeUsage;
    return {
      ok: true,
      value: {
        composes: true,
        errors: [],
        changes: await Promise.all(changes.map((change) => this.#withUsage(change, served?.schema, lookup))),
        usageSince: lookup ? lookup.since() : null,
      },
    };
  }

  /** A breaking or dangerous change with the usage of what it touches (one lookup per change). */
  async #withUsage(change: SchemaChange, before: Generation['schema'] | undefined, lookup: ChangeUsageLookup | undefined): Promise<CheckedChange> {
    const coordinates = before && lookup && change.criticality !== 'SAFE' ? coordinatesAffectedBy(change, before) : undefined;
    if (!coordinates || !lookup) return { ...change, usage: null, safeBecauseUnused: false };
    const usage = await lookup.usageOf(coordinates);
    return { ...change, usage, safeBecauseUnused: change.criticality === 'BREAKING' && usage.requests === 0 };
  }

  /** The kind's fields checked and what was not given fetched, outside the lock. */
  async #resolve({ kind, fields, ...base }: BackendRegistration) {
    const source = sourceOf(kind);
    const kindFields = pickKindFields(fields, source.inputFields.register, kind);
    if (!kindFields.ok) return refuse('input', kindFields.field, kindFields.message);
    const resolved = await source.resolve(base, kindFields.value, this.#runtime);
    if (!resolved.ok) return refuse('input', resolved.field, resolved.message);
    if (resolved.value.prepared && !resolved.value.prepared.ok) return refuse('composition', resolved.value.prepared.errors);
    const prepared = resolved.value.prepared?.ok ? resolved.value.prepared.value : undefined;
    return { ok: true as const, value: { backend: resolved.value.backend, prepared } };
  }

  async #write(
    changed: string,
    plan: (tx: RegistryTransaction, backends: BackendRecord[]) => Promise<RegistryOutcome<WritePlan>>,
  ): Promise<RegistryOutcome<Written>> {
    const outcome = await this.#store.withRegistryLock(async (tx): Promise<RegistryOutcome<Written & { generation?: Generation }>> => {
      const stored = await tx.listBackends();
      const planned = await plan(tx, stored);
      if (!planned.ok) return planned;
      if ('unchanged' in planned.value) return { ok: true, value: { ...planned.value.unchanged, changed: false } };
      const { next, upsert, remove, prepared } = planned.value;
      // Built before anything is written: a version that cannot be served is never stored.
      const built = next.length
        ? this.#build(next, { version: 0, composedAt: new Date(), changed, preparedNew: prepared && { name: changed, prepared } })
        : undefined;
      if (built && !built.ok) {
        this.#log.warn({ backend: changed, errors: built.refusal.kind === 'composition' ? built.refusal.errors.length : 1 }, 'composition refused');
        this.#observer?.compositionRefused();
        return built;
      }
      const record = upsert ? await tx.upsertBackend(upsert) : undefined;
      if (remove) await tx.removeBackend(remove);
      const schema = await tx.insertSchemaVersion({
        supergraphSdl: built?.value.supergraphSdl ?? '',
        apiSdl: built?.value.apiSdl ?? '',
        backendNames: next.map((backend) => backend.name),
      });
      await tx.pruneSchemaVersions(this.#kept);
      if (record && prepared) this.#prepared.set(record.name, { stamp: stampOf(record), prepared });
      const generation = built && withVersion(built.value, schema);
      return { ok: true, value: { backend: record, schema, changed: true, generation } };
    });
    if (!outcome.ok || !outcome.value.changed) return outcome;
    const { generation, ...result } = outcome.value;
    const { version } = result.schema;
    this.#served.swap(generation, version);
    this.#observer?.compositionAccepted(version);
    this.#log.info({ version, backend: changed }, 'schema swapped');
    await this.#announce(version);
    return { ok: true, value: result };
  }

  /**
   * Tells the other instances, after the commit. The write stands whatever happens here: an
   * instance that misses the event catches up at its next version poll or reconnection.
   */
  async #announce(version: number): Promise<void> {
    try {
      await this.#feed?.publish({ type: 'registry-changed', version });
    } catch (error) {
      this.#log.warn({ err: error, version }, 'schema change not announced; other instances catch up at their next version poll');
    }
  }

  /** Prepares what is not prepared yet (reusing the parse of unchanged backends) and builds the graph. */
  #build(
    backends: readonly (Backend | BackendRecord)[],
    options: { version: number; composedAt: Date; changed?: string; preparedNew?: { name: string; prepared: PreparedSource } },
  ): RegistryOutcome<Generation> {
    const prepared: PreparedSource[] = [];
    const errors: CompositionErrorDetail[] = [];
    const kept = new Map<string, { stamp: string; prepared: PreparedSource }>();
    for (const backend of backends) {
      if (options.preparedNew?.name === backend.name) {
        prepared.push(options.preparedNew.prepared);
        continue;
      }
      const stamp = 'updatedAt' in backend ? stampOf(backend) : undefined;
      const cached = stamp === undefined ? undefined : this.#prepared.get(backend.name);
      if (cached && cached.stamp === stamp) {
        prepared.push(cached.prepared);
        kept.set(backend.name, cached);
        continue;
      }
      const outcome = sourceOf(backend.kind).prepare(backend, this.#runtime);
      if (!outcome.ok) {
        errors.push(...outcome.errors);
        continue;
      }
      prepared.push(outcome.value);
      if (stamp !== undefined) kept.set(backend.name, { stamp, prepared: outcome.value });
    }
    if (errors.length) return refuse('composition', errors);
    const built = buildGraph(prepared, options);
    if (!built.ok) return refuse('composition', built.errors);
    // Only a build of stored backends says which parses are worth keeping.
    if (!options.preparedNew) this.#prepared = kept;
    return { ok: true, value: built.value };
  }
}

/** A write's result; `backend` is the stored record when the write registered or updated one. */
type Written = Omit<WriteResult, 'backend'> & { backend: BackendRecord | undefined };

function withBackend(outcome: RegistryOutcome<Written>): RegistryOutcome<WriteResult> {
  if (!outcome.ok) return outcome;
  const { backend } = outcome.value;
  if (!backend) throw new Error('A registration or update stored no backend.');
  return { ok: true, value: { ...outcome.value, backend } };
}

type WritePlan =
  | { next: Array<Backend | BackendRecord>; upsert?: Backend; remove?: string; prepared?: PreparedSource }
  | { unchanged: { backend: BackendRecord; schema: SchemaVersionRecord } };

function refuse(kind: 'input' | 'not-found', field: string, message: string): { ok: false; refusal: RegistryRefusal };
function refuse(kind: 'composition', errors: CompositionErrorDetail[]): { ok: false; refusal: RegistryRefusal };
function refuse(kind: RegistryRefusal['kind'], fieldOrErrors: string | CompositionErrorDetail[], message = ''): { ok: false; refusal: RegistryRefusal } {
  if (kind === 'composition') return { ok: false, refusal: { kind, errors: fieldOrErrors as CompositionErrorDetail[] } };
  return { ok: false, refusal: { kind, field: fieldOrErrors as string, message } };
}

/** A generation built before its version was known, numbered now (same schema, same engine). */
function withVersion(generation: Generation, schema: SchemaVersionRecord): Generation {
  generation.version = schema.version;
  generation.composedAt = schema.composedAt;
  return generation;
}

/** Which stored version of a backend a parse belongs to. */
function stampOf(record: BackendRecord): string {
  return `${record.kind}@${record.updatedAt.getTime()}`;
}

function withoutTimestamps(record: BackendRecord): Backend {
  const { createdAt: _createdAt, updatedAt: _updatedAt, ...backend } = record;
  return backend as Backend;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
