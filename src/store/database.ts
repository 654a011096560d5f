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
