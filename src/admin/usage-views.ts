import type { UsageBucket, UsageReport, UsedBy } from '../usage/index.js';
import type { FieldUsage as FieldUsageView, UsageBucket as UsageBucketView, UsageReport as UsageReportView } from './__generated__/resolvers-types.js';

// Usage analytics as the admin API shows them: dates instead of epoch milliseconds.

const dateOf = (ms: number | null) => (ms === null ? null : new Date(ms));

function bucketView({ startMs, documentHash, ...bucket }: UsageBucket): UsageBucketView {
  return {
    start: dateOf(startMs),
    consumer: bucket.consumer ?? null,
    plan: bucket.plan ?? null,
    operation: bucket.operation ?? null,
    operationHash: documentHash ?? null,
    field: bucket.field ?? null,
    backend: bucket.backend ?? null,
    errorCode: bucket.errorCode ?? null,
    requests: bucket.requests,
    errors: bucket.errors,
    errorRate: bucket.errorRate,
    costSum: bucket.costSum,
    cacheHits: bucket.cacheHits,
    latency: bucket.latency,
  };
}

export function usageReportView(report: UsageReport): UsageReportView {
  return {
    from: new Date(report.fromMs),
    to: new Date(report.toMs),
    latencyPrecision: report.latencyPrecision,
    buckets: report.buckets.map(bucketView),
    truncated: report.truncated,
  };
}

export function fieldUsageView(coordinate: string, since: Date, usedBy: UsedBy): FieldUsageView {
  return {
    coordinate,
    since,
    requests: usedBy.requests,
    lastSeen: dateOf(usedBy.lastSeenMs),
    consumers: usedBy.consumers.map((consumer) => ({ ...consumer, lastSeen: new Date(consumer.lastSeenMs) })),
    operations: usedBy.operations,
  };
}
