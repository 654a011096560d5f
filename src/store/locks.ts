/**
 * PostgreSQL advisory-lock keys. The two-int form keeps them apart from
 * single-bigint keys (Kysely's migrator uses one), and the second int is derived
 * from the schema name, so deployments in different schemas of one database
 * never wait on each other while instances sharing a schema do.
 */
const REGISTRY_LOCK_CLASS = 0x4748_0001;
const MIGRATION_LOCK_CLASS = 0x4748_0002;
const USAGE_ROLLUP_LOCK_CLASS = 0x4748_0003;

export type AdvisoryLockKey = readonly [classId: number, objectId: number];

export function registryLockKey(schema: string): AdvisoryLockKey {
  return [REGISTRY_LOCK_CLASS, hashToInt32(schema)];
}

export function migrationLockKey(schema: string): AdvisoryLockKey {
  return [MIGRATION_LOCK_CLASS, hashToInt32(schema)];
}

/** Held (try-lock, per transaction) by the instance rolling usage records up; the others skip that round. */
export function usageRollupLockKey(schema: string): AdvisoryLockKey {
  return [USAGE_ROLLUP_LOCK_CLASS, hashToInt32(schema)];
}

/** FNV-1a, as a signed 32-bit integer (the range of PostgreSQL's `int4`). */
function hashToInt32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  return hash | 0;
}
