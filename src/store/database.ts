import type { ColumnType, Generated } from 'kysely';

/**
 * Tables as Kysely sees them. Column names are snake_case as stored; `queries.ts`
 * maps rows to the camelCase records of `types.ts`.
 */
export interface Database {
  backends: BackendsTable;
  schema_versions: SchemaVersionsTable;
  settings: SettingsTable;
  plans: PlansTable;
  consumers: ConsumersTable;
  api_keys: ApiKeysTable;
  trusted_documents: TrustedDocumentsTable;
  cache_policies: CachePoliciesTable;
  usage_requests: UsageRequestsTable;
  usage_rollups: UsageRollupsTable;
  usage_error_rollups: UsageRollupsTable & { error_code: string };
  usage_backend_rollups: UsageRollupsTable & { backend: string; error_code: string };
  usage_operations: UsageOperationsTable;
  usage_operation_coordinates: UsageOperationCoordinatesTable;
  audit_log: AuditLogTable;
}

/** bigint columns: `pg` returns int8 as a string, PGlite as a number; write numbers. */
type Int8 = ColumnType<string | number, number, number>;

export interface UsageRequestsTable {
  id: ColumnType<string | number, never, never>;
  at_ms: Int8;
  consumer: string;
  plan: string;
  document_hash: string;
  operation_name: string;
  cost: number | null;
  /** How many alike requests the row stands for. */
  requests: Generated<number>;
  duration_sum_ms: number;
  latency_bucket: number;
  http_status: number;
  /** jsonb: written as JSON text. */
  error_codes: ColumnType<unknown, string, string>;
  is_error: boolean;
  cache_hit: boolean;
  backends: ColumnType<unknown, string, string>;
  /** The latest request's time; null on rows written before 008 (then `at_ms`). */
  last_at_ms: ColumnType<string | number | null, number, number>;
  rolled: Generated<boolean>;
}

export interface UsageRollupsTable {
  resolution: string;
  bucket_ms: Int8;
  consumer: string;
  plan: string;
  document_hash: string;
  operation_name: string;
  requests: Int8;
  errors: Int8;
  cost_sum: Int8;
  charged: Int8;
  points: Int8;
  cache_hits: Int8;
  duration_sum_ms: number;
  last_seen_ms: Int8;
  latency_histogram: ColumnType<unknown, string, string>;
}

export interface UsageOperationsTable {
  document_hash: string;
  operation_name: string;
  operation_type: string;
  first_seen_ms: Int8;
  last_seen_ms: Int8;
}

export interface UsageOperationCoordinatesTable {
  document_hash: string;
  operation_name: string;
  coordinate: string;
}

export interface AuditLogTable {
  id: ColumnType<string | number, never, never>;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  request_id: string | null;
  input: ColumnType<unknown, string, never>;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  result: string;
}

export interface BackendsTable {
  name: string;
  kind: string;
  url: string;
  /** jsonb: drivers hand back the parsed object; we write JSON text. */
  headers: ColumnType<unknown, string, string>;
  /** jsonb list of lower-case header names, like `headers`. */
  forward_headers: ColumnType<unknown, string | undefined, string>;
  sdl: string;
  sdl_source: string;
  timeout_ms: number | null;
  max_response_bytes: ColumnType<number | null, number | null | undefined, number | null>;
  openapi_document: string | null;
  /** jsonb, like `headers`. */
  options: ColumnType<unknown, string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SchemaVersionsTable {
  /** bigint identity: `pg` returns int8 as a string, PGlite as a number. */
  version: ColumnType<string | number, never, never>;
  supergraph_sdl: string;
  api_sdl: string;
  backend_names: ColumnType<unknown, string, string>;
  composed_at: Generated<Date>;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface PlansTable {
  id: string;
  name: string;
  rate_limit_points: number | null;
  rate_limit_window_seconds: number;
  quota_period: string;
  quota_cost_points: number | null;
  quota_requests: number | null;
  max_cost: number | null;
  max_depth: number | null;
  introspection_allowed: boolean;
  trusted_documents_only: boolean;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ConsumersTable {
  id: string;
  name: string;
  plan_id: string;
  disabled: boolean;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ApiKeysTable {
  id: string;
  consumer_id: string;
  prefix: string;
  key_hash: string;
  label: string | null;
  created_at: Generated<Date>;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export interface TrustedDocumentsTable {
  hash: string;
  document: string;
  created_at: Generated<Date>;
}

export interface CachePoliciesTable {
  /** `Type` or `Type.field`. */
  coordinate: string;
  max_age_seconds: number;
  /** `PUBLIC` or `PRIVATE`. */
  scope: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
