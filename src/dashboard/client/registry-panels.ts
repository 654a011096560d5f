import { h, type Child } from './dom.js';
import { compactJson, formatDateTime, formatShortDateTime } from './format.js';
import { table, type Column } from './panels.js';
import type { AuditEntry, Backend, SchemaVersion } from './queries.js';

const KIND_LABELS: Record<string, string> = { FEDERATION_SUBGRAPH: 'federation', GRAPHQL: 'graphql', OPENAPI: 'openapi' };

/** The served schema's version and the backends composed into it. */
export function schemaView(id: string, schema: SchemaVersion | null, backends: Backend[] | null): Child[] {
  const summary = schema
    ? h(
        'p',
        { class: 'schema-summary' },
        'Version ',
        h('strong', { 'data-role': 'schema-version' }, String(schema.version)),
        `, composed ${formatDateTime(schema.composedAt)} from ${schema.backends.length} backend${schema.backends.length === 1 ? '' : 's'}.`,
      )
    : h('p', { class: 'empty' }, 'No schema is served yet: register a backend (registerBackend).');
  // Static supergraph mode has no registry: the schema's own backend names are all there is.
  const rows: Backend[] = backends && backends.length > 0 ? backends : (schema?.backends ?? []).map((name) => ({ name, kind: '', url: '' }));
  const columns: Array<Column<Backend>> = [
    { label: 'Backend', cell: (row) => h('div', {}, h('strong', { class: 'backend-name' }, row.name), row.url ? h('div', { class: 'url' }, row.url) : null) },
    { label: 'Kind', cell: (row) => h('span', { class: 'kind', title: row.kind }, KIND_LABELS[row.kind] ?? row.kind.toLowerCase()) },
  ];
  return [summary, table(id, columns, rows, 'No backend is registered.')];
}

const AUDIT_COLUMNS: ReadonlyArray<Column<AuditEntry>> = [
  { label: 'When', cell: (row) => h('time', { datetime: row.at, class: 'nowrap' }, formatShortDateTime(row.at)) },
  { label: 'Action', cell: (row) => h('code', {}, row.action) },
  { label: 'Target', cell: (row) => row.target ?? '' },
  { label: 'Result', cell: (row) => h('span', { class: row.result === 'ok' ? 'badge ok' : 'badge bad' }, row.result) },
  { label: 'Input', cell: (row) => h('code', { class: 'json', title: compactJson(row.input, 2_000) }, compactJson(row.input)) },
  { label: 'Actor', cell: (row) => h('span', { class: 'muted nowrap', title: row.requestId ? `request ${row.requestId}` : undefined }, row.actor) },
];

/** Admin mutations, newest first. */
export function auditTable(id: string, entries: readonly AuditEntry[]): HTMLElement {
  return table(id, AUDIT_COLUMNS, entries, 'No admin mutation yet: every change made through the admin API shows here.');
}
