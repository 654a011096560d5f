import type { ColumnType, Generated } from 'kysely';

/**
 * Tables as Kysely sees them. Column names are snake_case as stored; `queries.ts`
 * maps rows to the camelCase records of `types.ts`.
 */
export interface Database {
  backends: BackendsTable;
  schema_versions: SchemaVersionsTable;
  settings: SettingsTable;
}

export interface BackendsTable {
  name: string;
  kind: string;
  url: string;
  /** jsonb: drivers hand back the parsed object; we write JSON text. */
  headers: ColumnType<unknown, string, string>;
  sdl: string;
  sdl_source: string;
  timeout_ms: number | null;
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
