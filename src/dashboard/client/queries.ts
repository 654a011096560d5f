// The admin API operations the page sends, and the shapes of their answers (schema/admin.graphql).

export type UsageInterval = 'MINUTE' | 'HOUR' | 'DAY';

export interface Latency {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface TotalsBucket {
  requests: number;
  errors: number;
  errorRate: number;
  costSum: number;
  cacheHits: number;
  latency: Latency;
}

export interface SeriesBucket {
  start: string;
  requests: number;
  errors: number;
  latency: Latency;
}

export interface ConsumerBucket {
  consumer: string | null;
  requests: number;
  errors: number;
  errorRate: number;
  costSum: number;
  latency: Pick<Latency, 'p95'>;
}

export interface OperationBucket {
  operation: string | null;
  operationHash: string | null;
  requests: number;
  errors: number;
  errorRate: number;
  latency: Pick<Latency, 'p95'>;
}

export interface FieldBucket {
  field: string | null;
  requests: number;
}

export interface ErrorCodeBucket {
  errorCode: string | null;
  requests: number;
}

export interface Report<TBucket> {
  buckets: TBucket[];
  truncated: boolean;
}

export interface Backend {
  name: string;
  kind: string;
  url: string;
}

export interface SchemaVersion {
  version: number;
  composedAt: string;
  backends: string[];
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  result: string;
  requestId: string | null;
  input: unknown;
}

export interface AuditPage {
  nodes: AuditEntry[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** Every field may be null when its resolver failed (the answer's errors say why). */
export interface DashboardData {
  usageRecorder: { enabled: boolean } | null;
  totals: (Report<TotalsBucket> & { latencyPrecision: 'EXACT' | 'HISTOGRAM' }) | null;
  series: Report<SeriesBucket> | null;
  byConsumer: Report<ConsumerBucket> | null;
  byOperation: Report<OperationBucket> | null;
  byField: Report<FieldBucket> | null;
  byErrorCode: Report<ErrorCodeBucket> | null;
  schema: SchemaVersion | null;
  backends: Backend[] | null;
  consumers: { totalCount: number; nodes: Array<{ name: string }> } | null;
  auditLog: AuditPage | null;
}

/** How many rows the "top" tables show. */
export const TOP = 10;

const AUDIT_ENTRY = /* GraphQL */ `
  fragment AuditEntryRow on AuditEntry { id at actor action target result requestId input }
`;

/** Everything the page shows for one time range, in one request. */
export const DASHBOARD_QUERY = /* GraphQL */ `
  query Dashboard($from: DateTime!, $to: DateTime!, $interval: UsageInterval!, $top: Int!, $auditFirst: Int!) {
    usageRecorder { enabled }
    totals: usage(filter: { from: $from, to: $to }) {
      latencyPrecision
      truncated
      buckets { requests errors errorRate costSum cacheHits latency { p50 p95 p99 } }
    }
    series: usage(filter: { from: $from, to: $to }, interval: $interval, first: 10000) {
      truncated
      buckets { start requests errors latency { p50 p95 p99 } }
    }
    byConsumer: usage(filter: { from: $from, to: $to }, groupBy: [CONSUMER], first: $top) {
      truncated
      buckets { consumer requests errors errorRate costSum latency { p95 } }
    }
    byOperation: usage(filter: { from: $from, to: $to }, groupBy: [OPERATION], first: $top) {
      truncated
      buckets { operation operationHash requests errors errorRate latency { p95 } }
    }
    byField: usage(filter: { from: $from, to: $to }, groupBy: [FIELD], first: $top) {
      truncated
      buckets { field requests }
    }
    byErrorCode: usage(filter: { from: $from, to: $to }, groupBy: [ERROR_CODE], first: $top) {
      truncated
      buckets { errorCode requests }
    }
    schema { version composedAt backends }
    backends { name kind url }
    consumers(first: 100) { totalCount nodes { name } }
    auditLog(first: $auditFirst) { nodes { ...AuditEntryRow } pageInfo { endCursor hasNextPage } }
  }
  ${AUDIT_ENTRY}
`;

export const AUDIT_PAGE_QUERY = /* GraphQL */ `
  query AuditPage($first: Int!, $after: String) {
    auditLog(first: $first, after: $after) { nodes { ...AuditEntryRow } pageInfo { endCursor hasNextPage } }
  }
  ${AUDIT_ENTRY}
`;

export interface ConsumerSpend {
  consumer: { name: string; disabled: boolean };
  plan: {
    name: string;
    rateLimitPoints: number | null;
    rateLimitWindowSeconds: number;
    quotaPeriod: 'DAY' | 'MONTH';
    quotaRequests: number | null;
    quotaCostPoints: number | null;
  };
  period: { start: string; end: string; requests: number; errors: number; costSum: number };
  quota: {
    period: 'DAY' | 'MONTH';
    resetAt: string;
    requestsUsed: number;
    requestsLimit: number | null;
    requestsRemaining: number | null;
    costPointsUsed: number;
    costPointsLimit: number | null;
    costPointsRemaining: number | null;
  } | null;
  rateLimit: { limit: number; windowSeconds: number; remaining: number; resetAt: string } | null;
}

export const SPEND_QUERY = /* GraphQL */ `
  query ConsumerSpend($name: String!) {
    consumerUsage(name: $name) {
      consumer { name disabled }
      plan { name rateLimitPoints rateLimitWindowSeconds quotaPeriod quotaRequests quotaCostPoints }
      period { start end requests errors costSum }
      quota { period resetAt requestsUsed requestsLimit requestsRemaining costPointsUsed costPointsLimit costPointsRemaining }
      rateLimit { limit windowSeconds remaining resetAt }
    }
  }
`;

/** A cheap question that needs the token: is it the right one? */
export const CHECK_TOKEN_QUERY = /* GraphQL */ `query CheckToken { usageRecorder { enabled } }`;
