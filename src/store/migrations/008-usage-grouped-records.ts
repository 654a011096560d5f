import { sql, type Kysely } from 'kysely';

// Usage records stand for groups of alike requests: the same second, consumer, plan, operation,
// cost, latency bucket, status, error codes and cache outcome. `requests` is how many;
// `duration_sum_ms` their summed durations (a row written before this migration is one request,
// so its duration is its sum); `last_at_ms` the latest one's time. Backend entries in `backends`
// carry `calls` and `durationSumMs` from now on; older entries (one call, `durationMs`) are read
// with defaults, so no row needs rewriting.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('usage_requests').addColumn('requests', 'integer', (col) => col.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('usage_requests').addColumn('last_at_ms', 'bigint').execute();
  await sql`alter table usage_requests rename column duration_ms to duration_sum_ms`.execute(db);
}
