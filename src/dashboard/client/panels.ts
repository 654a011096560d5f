import { h, type Child } from './dom.js';
import { DASH, formatCount, formatMs, formatPoints, formatRate } from './format.js';
import type { ConsumerBucket, ErrorCodeBucket, FieldBucket, OperationBucket, Report, TotalsBucket } from './queries.js';

/** A titled box of the grid; `body` is what refreshes replace. */
export interface Panel {
  section: HTMLElement;
  body: HTMLElement;
}

export function panel(id: string, title: string, className = '', ...headerExtras: Child[]): Panel {
  const body = h('div', { class: 'panel-body' });
  const section = h(
    'section',
    { class: `panel ${className}`.trim(), id, 'aria-labelledby': `${id}-title` },
    h('header', { class: 'panel-header' }, h('h2', { id: `${id}-title` }, title), ...headerExtras),
    body,
  );
  return { section, body };
}

export interface Column<T> {
  label: string;
  numeric?: boolean;
  cell(row: T): Child;
}

/** A table of `rows`, or `empty` in its place when there are none. */
export function table<T>(labelledBy: string, columns: ReadonlyArray<Column<T>>, rows: readonly T[], empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  const numeric = (column: Column<T>) => (column.numeric ? 'num' : undefined);
  return h(
    'table',
    { 'aria-labelledby': labelledBy },
    h('thead', {}, h('tr', {}, ...columns.map((column) => h('th', { scope: 'col', class: numeric(column) }, column.label)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...columns.map((column) => h('td', { class: numeric(column) }, column.cell(row)))))),
  );
}

/** A name that may be missing: requests without a consumer, operations without a name. */
export function nameOrNone(name: string | null, none: string): Child {
  return name === null ? h('span', { class: 'none' }, none) : name;
}

export function unavailable(what: string): HTMLElement {
  return h('p', { class: 'empty error-text' }, `${what} could not be loaded (see the message above).`);
}

function tile(stat: string, label: string, value: string, detail?: string, bad = false): HTMLElement {
  return h(
    'div',
    { class: bad ? 'tile bad' : 'tile', 'data-stat': stat },
    h('span', { class: 'tile-label' }, label),
    h('span', { class: 'tile-value' }, value),
    h('span', { class: 'tile-detail' }, detail ?? ''),
  );
}

/** The range's totals, one tile each. */
export function totalsTiles(totals: TotalsBucket | undefined, precision: 'EXACT' | 'HISTOGRAM' | undefined): HTMLElement[] {
  const t = totals ?? { requests: 0, errors: 0, errorRate: 0, costSum: 0, cacheHits: 0, latency: { p50: null, p95: null, p99: null } };
  const approximate = precision === 'HISTOGRAM' ? 'from histograms (±19%)' : undefined;
  return [
    tile('requests', 'Requests', formatCount(t.requests)),
    tile('errors', 'Errors', formatCount(t.errors), t.requests ? `${formatRate(t.errorRate)} of requests` : undefined, t.errors > 0),
    tile('p95', 'p95 latency', formatMs(t.latency.p95), approximate ?? (t.latency.p50 !== null ? `p50 ${formatMs(t.latency.p50)} · p99 ${formatMs(t.latency.p99)}` : undefined)),
    tile('cost', 'Cost points', formatPoints(t.costSum)),
    tile('cache-hits', 'Cache hits', formatCount(t.cacheHits), t.requests ? `${formatRate(t.cacheHits / t.requests)} of requests` : undefined),
  ];
}

function more(report: Report<unknown>): Child {
  return report.truncated ? h('p', { class: 'muted small' }, 'The busiest only; more matched.') : null;
}

export function consumersTable(id: string, report: Report<ConsumerBucket>, emptyText: string): Child[] {
  const columns: Array<Column<ConsumerBucket>> = [
    { label: 'Consumer', cell: (row) => nameOrNone(row.consumer, '(anonymous)') },
    { label: 'Requests', numeric: true, cell: (row) => formatCount(row.requests) },
    { label: 'Errors', numeric: true, cell: (row) => formatCount(row.errors) },
    { label: 'Error rate', numeric: true, cell: (row) => formatRate(row.errorRate) },
    { label: 'p95', numeric: true, cell: (row) => formatMs(row.latency.p95) },
    { label: 'Cost', numeric: true, cell: (row) => formatPoints(row.costSum) },
  ];
  return [table(id, columns, report.buckets, emptyText), more(report)];
}

export function operationsTable(id: string, report: Report<OperationBucket>, emptyText: string): Child[] {
  const columns: Array<Column<OperationBucket>> = [
    {
      label: 'Operation',
      cell: (row) =>
        h(
          'span',
          { title: row.operationHash ?? undefined },
          nameOrNone(row.operation, row.operationHash ? '(anonymous)' : '(not parsed)'),
          row.operationHash ? h('span', { class: 'hash' }, ` ${row.operationHash.replace(/^sha256:/, '').slice(0, 8)}`) : null,
        ),
    },
    { label: 'Requests', numeric: true, cell: (row) => formatCount(row.requests) },
    { label: 'Errors', numeric: true, cell: (row) => formatCount(row.errors) },
    { label: 'Error rate', numeric: true, cell: (row) => formatRate(row.errorRate) },
    { label: 'p95', numeric: true, cell: (row) => formatMs(row.latency.p95) },
  ];
  return [table(id, columns, report.buckets, emptyText), more(report)];
}

export function fieldsTable(id: string, report: Report<FieldBucket>, emptyText: string): Child[] {
  const columns: Array<Column<FieldBucket>> = [
    { label: 'Field', cell: (row) => h('code', {}, row.field ?? DASH) },
    { label: 'Requests', numeric: true, cell: (row) => formatCount(row.requests) },
  ];
  return [table(id, columns, report.buckets.filter((row) => row.field !== null), emptyText), more(report)];
}

export function errorCodesTable(id: string, report: Report<ErrorCodeBucket>, emptyText: string): Child[] {
  const columns: Array<Column<ErrorCodeBucket>> = [
    { label: 'Code', cell: (row) => h('code', {}, row.errorCode ?? DASH) },
    { label: 'Requests', numeric: true, cell: (row) => formatCount(row.requests) },
  ];
  // Requests without errors are the null group: not an error code.
  return [table(id, columns, report.buckets.filter((row) => row.errorCode !== null), emptyText), more(report)];
}
