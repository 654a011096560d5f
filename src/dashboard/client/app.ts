import { AdminApiError, type AdminApi, type GraphQLErrorLike } from './api.js';
import { TimeSeriesChart } from './charts.js';
import { fill, h, on } from './dom.js';
import { formatCount, formatTime } from './format.js';
import { consumersTable, errorCodesTable, fieldsTable, operationsTable, panel, totalsTiles, unavailable } from './panels.js';
import { AUDIT_PAGE_QUERY, DASHBOARD_QUERY, SPEND_QUERY, TOP, type AuditEntry, type AuditPage, type ConsumerSpend, type DashboardData } from './queries.js';
import { rangeOf, RANGES, REFRESH_CHOICES, seriesColumns, type TimeRange } from './range.js';
import { auditTable, schemaView } from './registry-panels.js';
import { spendView } from './spend.js';

const AUDIT_PAGE_SIZE = 20;
const INTERVAL_WORD = { MINUTE: 'minute', HOUR: 'hour', DAY: 'day' } as const;

export interface DashboardCallbacks {
  /** The admin API refused the token: ask for one again, saying why. */
  onUnauthorized(message: string): void;
  onSignOut(): void;
}

/**
 * The dashboard itself: one request to the admin API per refresh for everything in a time range
 * (and one for the chosen consumer's spend), redrawn in place. `data-state` on the root says
 * where it is: `loading`, `ready` (everything drawn) or `error` (the last refresh failed).
 */
export class DashboardView {
  readonly element: HTMLElement;
  readonly #api: AdminApi;
  readonly #callbacks: DashboardCallbacks;
  #range: TimeRange;
  #refreshSeconds: number;
  #timer: number | undefined;
  #refreshDue = false;
  #inFlight: AbortController | undefined;
  #spendConsumer: string | undefined;
  #audit: AuditEntry[] = [];
  #auditCursor: string | null = null;
  #disposed = false;

  readonly #rangeButtons: HTMLButtonElement[];
  readonly #refreshSelect = h('select', { id: 'auto-refresh' });
  readonly #refreshButton = h('button', { type: 'button' }, 'Refresh');
  readonly #updated = h('span', { class: 'updated muted', 'aria-live': 'polite' });
  readonly #badge = h('span', { class: 'schema-badge', 'data-role': 'schema-badge' });
  readonly #banner = h('div', { class: 'banner error', role: 'alert', hidden: true });
  readonly #notice = h('div', { class: 'banner notice', hidden: true });
  readonly #tiles = h('section', { class: 'tiles', 'aria-label': 'Totals' });
  readonly #traffic = panel('traffic', 'Requests and errors', 'chart span-6');
  readonly #latency = panel('latency', 'Latency', 'chart span-6');
  readonly #trafficChart: TimeSeriesChart;
  readonly #latencyChart: TimeSeriesChart;
  readonly #consumers = panel('top-consumers', 'Top consumers', 'span-6');
  readonly #operations = panel('top-operations', 'Top operations', 'span-6');
  readonly #spendSelect = h('select', { id: 'spend-consumer', 'aria-label': 'Consumer' });
  readonly #spend = panel('spend', 'Consumer spend', 'span-3', this.#spendSelect);
  readonly #fields = panel('top-fields', 'Top fields', 'span-3');
  readonly #errorCodes = panel('error-codes', 'Errors by code', 'span-3');
  readonly #schema = panel('schema', 'Schema and backends', 'span-3');
  readonly #auditPanel = panel('audit', 'Audit log', 'span-12');
  readonly #auditMore = h('button', { type: 'button', class: 'link', hidden: true }, 'Older entries');

  constructor(api: AdminApi, callbacks: DashboardCallbacks) {
    this.#api = api;
    this.#callbacks = callbacks;
    const state = new URLSearchParams(location.hash.slice(1));
    this.#range = rangeOf(state.get('range'));
    this.#refreshSeconds = REFRESH_CHOICES.find((choice) => String(choice.seconds) === state.get('refresh'))?.seconds ?? 0;

    this.#rangeButtons = RANGES.map((range) => {
      const button = h('button', { type: 'button', 'data-range': range.key, 'aria-pressed': String(range === this.#range) }, range.label);
      on(button, 'click', () => this.#setRange(range));
      return button;
    });
    for (const choice of REFRESH_CHOICES) {
      this.#refreshSelect.append(h('option', { value: String(choice.seconds), selected: choice.seconds === this.#refreshSeconds }, choice.label));
    }
    on(this.#refreshSelect, 'change', () => {
      this.#refreshSeconds = Number(this.#refreshSelect.value);
      this.#saveState();
      this.#schedule();
    });
    on(this.#refreshButton, 'click', () => void this.load());
    const signOut = h('button', { type: 'button', class: 'link' }, 'Sign out');
    on(signOut, 'click', () => callbacks.onSignOut());
    on(this.#spendSelect, 'change', () => {
      this.#spendConsumer = this.#spendSelect.value;
      void this.#loadSpend();
    });
    on(this.#auditMore, 'click', () => void this.#loadOlderAudit());

    const trafficBox = h('div', { class: 'chart-box', role: 'img', 'aria-label': 'Requests and errors over time' });
    const latencyBox = h('div', { class: 'chart-box', role: 'img', 'aria-label': 'Latency percentiles over time' });
    fill(this.#traffic.body, trafficBox, h('p', { class: 'chart-empty', hidden: true }));
    fill(this.#latency.body, latencyBox, h('p', { class: 'chart-empty', hidden: true }));
    this.#trafficChart = new TimeSeriesChart(trafficBox, 'traffic');
    this.#latencyChart = new TimeSeriesChart(latencyBox, 'latency');
    this.#auditPanel.section.append(h('footer', { class: 'panel-footer' }, this.#auditMore));

    this.element = h(
      'div',
      { class: 'dashboard', id: 'dashboard', 'data-state': 'loading' },
      h(
        'header',
        { class: 'topbar' },
        h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'), 'Gatehouse', h('span', { class: 'muted' }, ' dashboard')),
        this.#badge,
        h(
          'div',
          { class: 'controls' },
          h('div', { class: 'range', role: 'group', 'aria-label': 'Time range' }, ...this.#rangeButtons),
          h('label', { class: 'refresh' }, 'Auto-refresh ', this.#refreshSelect),
          this.#refreshButton,
          this.#updated,
          signOut,
        ),
      ),
      this.#banner,
      this.#notice,
      h(
        'main',
        { class: 'grid' },
        this.#tiles,
        this.#traffic.section,
        this.#latency.section,
        this.#consumers.section,
        this.#operations.section,
        this.#spend.section,
        this.#fields.section,
        this.#errorCodes.section,
        this.#schema.section,
        this.#auditPanel.section,
      ),
    );
  }

  start(): void {
    document.addEventListener('visibilitychange', this.#onVisibility);
    void this.load();
  }

  dispose(): void {
    this.#disposed = true;
    window.clearTimeout(this.#timer);
    this.#inFlight?.abort();
    document.removeEventListener('visibilitychange', this.#onVisibility);
  }

  /** Asks for everything in the range again; a refresh still running is dropped. */
  async load(): Promise<void> {
    this.#inFlight?.abort();
    window.clearTimeout(this.#timer);
    const controller = new AbortController();
    this.#inFlight = controller;
    const range = this.#range;
    const toMs = Date.now();
    const fromMs = toMs - range.ms;
    this.element.dataset.state = 'loading';
    this.#refreshButton.disabled = true;
    try {
      const { data, errors } = await this.#api.request<DashboardData>(
        DASHBOARD_QUERY,
        { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), interval: range.interval, top: TOP, auditFirst: AUDIT_PAGE_SIZE },
        controller.signal,
      );
      if (controller.signal.aborted) return;
      this.#render(data, range, fromMs, toMs);
      await this.#loadSpend(data, controller.signal);
      if (controller.signal.aborted) return;
      this.#showProblems(errors);
      this.#updated.textContent = `Updated ${formatTime(new Date())}`;
      this.element.dataset.state = 'ready';
    } catch (error) {
      if (controller.signal.aborted) return;
      this.#fail(error);
    } finally {
      if (this.#inFlight === controller) {
        this.#inFlight = undefined;
        this.#refreshButton.disabled = false;
        this.#schedule();
      }
    }
  }

  #render(data: DashboardData, range: TimeRange, fromMs: number, toMs: number): void {
    const empty = `No requests ${range.phrase}.`;
    const totals = data.totals?.buckets[0];
    fill(this.#tiles, ...totalsTiles(totals, data.totals?.latencyPrecision));
    this.#notice.hidden = data.usageRecorder?.enabled !== false;
    this.#notice.textContent = 'Usage recording is off on this instance (GATEHOUSE_USAGE=false): what is shown was recorded earlier or by other instances.';

    const per = INTERVAL_WORD[range.interval];
    this.#traffic.section.querySelector('h2')!.textContent = `Requests and errors, per ${per}`;
    this.#latency.section.querySelector('h2')!.textContent = `Latency p50 / p95 / p99, per ${per}`;
    const columns = seriesColumns(data.series?.buckets ?? [], fromMs, toMs, range.interval);
    this.#trafficChart.update(columns);
    this.#latencyChart.update(columns);
    const noRequests = !totals || totals.requests === 0;
    for (const chart of [this.#traffic, this.#latency]) {
      const overlay = chart.body.querySelector<HTMLElement>('.chart-empty')!;
      overlay.hidden = !noRequests;
      overlay.textContent = data.series ? empty : 'The time series could not be loaded.';
    }

    fill(this.#consumers.body, ...(data.byConsumer ? consumersTable('top-consumers-title', data.byConsumer, empty) : [unavailable('Consumers')]));
    fill(this.#operations.body, ...(data.byOperation ? operationsTable('top-operations-title', data.byOperation, empty) : [unavailable('Operations')]));
    fill(this.#fields.body, ...(data.byField ? fieldsTable('top-fields-title', data.byField, empty) : [unavailable('Fields')]));
    fill(this.#errorCodes.body, ...(data.byErrorCode ? errorCodesTable('error-codes-title', data.byErrorCode, `No errors ${range.phrase}.`) : [unavailable('Error codes')]));

    this.#badge.textContent = data.schema ? `Schema v${data.schema.version} · ${data.schema.backends.length} backends` : 'No schema served';
    fill(this.#schema.body, ...schemaView('schema-title', data.schema, data.backends));

    if (data.auditLog) {
      this.#audit = data.auditLog.nodes;
      this.#auditCursor = data.auditLog.pageInfo.endCursor;
      this.#auditMore.hidden = !data.auditLog.pageInfo.hasNextPage;
      fill(this.#auditPanel.body, auditTable('audit-title', this.#audit));
    } else {
      fill(this.#auditPanel.body, unavailable('The audit log'));
    }

    const names = data.consumers?.nodes.map((consumer) => consumer.name) ?? [];
    const busiest = data.byConsumer?.buckets.find((bucket) => bucket.consumer !== null && names.includes(bucket.consumer))?.consumer;
    if (!this.#spendConsumer || !names.includes(this.#spendConsumer)) this.#spendConsumer = busiest ?? names[0];
    this.#spendSelect.replaceChildren(...names.map((name) => h('option', { value: name, selected: name === this.#spendConsumer }, name)));
    this.#spendSelect.hidden = names.length === 0;
    if (data.consumers && data.consumers.totalCount > names.length) {
      this.#spendSelect.append(h('option', { disabled: true }, `… ${formatCount(data.consumers.totalCount - names.length)} more (see consumerUsage)`));
    }
  }

  async #loadSpend(data?: DashboardData, signal?: AbortSignal): Promise<void> {
    const name = this.#spendConsumer;
    if (!name) {
      fill(this.#spend.body, h('p', { class: 'empty' }, data && !data.consumers ? 'Consumers could not be loaded.' : 'No consumer yet: create one (createConsumer) and issue it a key.'));
      return;
    }
    try {
      const { data: answer } = await this.#api.request<{ consumerUsage: ConsumerSpend | null }>(SPEND_QUERY, { name }, signal);
      if (signal?.aborted || name !== this.#spendConsumer) return;
      fill(this.#spend.body, ...(answer.consumerUsage ? spendView(answer.consumerUsage) : [h('p', { class: 'empty' }, `No consumer named ${name} any more.`)]));
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof AdminApiError && error.kind === 'unauthorized') throw error;
      fill(this.#spend.body, h('p', { class: 'empty error-text' }, error instanceof Error ? error.message : String(error)));
    }
  }

  async #loadOlderAudit(): Promise<void> {
    this.#auditMore.disabled = true;
    try {
      const { data } = await this.#api.request<{ auditLog: AuditPage }>(AUDIT_PAGE_QUERY, { first: AUDIT_PAGE_SIZE, after: this.#auditCursor });
      this.#audit = [...this.#audit, ...data.auditLog.nodes];
      this.#auditCursor = data.auditLog.pageInfo.endCursor;
      this.#auditMore.hidden = !data.auditLog.pageInfo.hasNextPage;
      fill(this.#auditPanel.body, auditTable('audit-title', this.#audit));
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#auditMore.disabled = false;
    }
  }

  /** Errors beside data: what they name is shown as unavailable, the rest as usual. */
  #showProblems(errors: readonly GraphQLErrorLike[]): void {
    this.#banner.hidden = errors.length === 0;
    if (errors.length === 0) return;
    const lines = errors.map((error) => `${error.path?.join('.') ?? 'request'}: ${error.message}${error.extensions?.code ? ` (${error.extensions.code})` : ''}`);
    fill(this.#banner, h('strong', {}, 'Part of the dashboard could not be loaded. '), lines.join(' · '));
  }

  #fail(error: unknown): void {
    if (error instanceof AdminApiError && error.kind === 'unauthorized') {
      this.dispose();
      this.#callbacks.onUnauthorized(error.message);
      return;
    }
    this.element.dataset.state = 'error';
    const message = error instanceof Error ? error.message : String(error);
    const requestId = error instanceof AdminApiError && error.requestId ? ` (request ${error.requestId})` : '';
    const retry = h('button', { type: 'button', class: 'link' }, 'Try again');
    on(retry, 'click', () => void this.load());
    fill(this.#banner, h('strong', {}, 'The dashboard could not be refreshed. '), `${message}${requestId} What is shown is from the last refresh that worked. `, retry);
    this.#banner.hidden = false;
  }

  #setRange(range: TimeRange): void {
    this.#range = range;
    for (const button of this.#rangeButtons) button.setAttribute('aria-pressed', String(button.dataset.range === range.key));
    this.#saveState();
    void this.load();
  }

  #saveState(): void {
    history.replaceState(null, '', `#range=${this.#range.key}&refresh=${this.#refreshSeconds}`);
  }

  #schedule(): void {
    window.clearTimeout(this.#timer);
    if (this.#disposed || this.#refreshSeconds === 0) return;
    this.#timer = window.setTimeout(() => {
      // A hidden tab asks nothing; it refreshes when it is shown again.
      if (document.hidden) this.#refreshDue = true;
      else void this.load();
    }, this.#refreshSeconds * 1000);
  }

  readonly #onVisibility = (): void => {
    if (document.hidden || !this.#refreshDue) return;
    this.#refreshDue = false;
    void this.load();
  };
}
