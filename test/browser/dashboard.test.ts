import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDemo } from '../../scripts/start-demo.js';
import { startExampleSubgraphs, type RunningExampleSubgraphs } from '../../subgraphs/index.js';
import { launchOfflineChromium, type OfflineBrowser } from '../helpers/browser.js';
import { startTestDemo } from '../helpers/demo.js';
import { startGatehouse, TEST_ADMIN_TOKEN, type RunningGatehouse } from '../helpers/gatehouse.js';

/**
 * The dashboard (/admin) in a real Chromium that can reach nothing but loopback, against a
 * gateway with the example subgraphs and traffic from two consumers, and against the demo.
 * What the page shows is compared with what the admin API answers for the same range. Every
 * wait is for something to appear: a state, an element, a text.
 */

const TOP_PRODUCTS = 'query TopProducts { topProducts(first: 2) { upc name price } }';
const BROKEN = 'query Broken { topProducts { upc doesNotExist } }';
/** A refused admin mutation whose input is markup: the audit log must show it as text. */
const MARKUP_PLAN = '<img src=x onerror="window.injected=1">';

interface Bucket {
  consumer?: string | null;
  operation?: string | null;
  field?: string | null;
  errorCode?: string | null;
  requests: number;
  errors: number;
}

/** What the page sees the browser do: requests (all of them) and any CSP refusal or script error. */
interface PageLog {
  requests: string[];
  problems: string[];
}

function watch(page: Page): PageLog {
  const log: PageLog = { requests: [], problems: [] };
  page.on('request', (request) => log.requests.push(request.url()));
  page.on('pageerror', (error) => log.problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 401/.test(message.text())) log.problems.push(`console: ${message.text()}`);
  });
  return log;
}

/** How the page writes a count, in the browser's own locale. */
function count(page: Page, value: number): Promise<string> {
  return page.evaluate((n) => new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(n), value);
}

async function cells(page: Page, selector: string): Promise<string[][]> {
  return page.locator(`${selector} tbody tr`).evaluateAll((rows) =>
    rows.map((row) => Array.from(row.querySelectorAll('td'), (cell) => (cell.textContent ?? '').trim())),
  );
}

async function ready(page: Page): Promise<void> {
  await page.locator('#dashboard[data-state="ready"]').waitFor();
}

describe('the dashboard in a browser without internet', () => {
  let browser: OfflineBrowser;
  let screenshotDir: string;

  beforeAll(async () => {
    [browser, screenshotDir] = await Promise.all([launchOfflineChromium(), mkdtemp(join(tmpdir(), 'gatehouse-dashboard-'))]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function screenshot(page: Page, name: string): Promise<string> {
    const path = join(screenshotDir, name);
    await page.screenshot({ path, fullPage: true });
    expect((await stat(path)).size).toBeGreaterThan(30_000);
    return path;
  }

  describe('with traffic from two consumers', () => {
    let subgraphs: RunningExampleSubgraphs;
    let gatehouse: RunningGatehouse;

    beforeAll(async () => {
      subgraphs = await startExampleSubgraphs();
      gatehouse = await startGatehouse({ backends: subgraphs.map(({ name, url }) => ({ name, url })) });
      const admin = async (query: string, variables?: Record<string, unknown>) => {
        const answer = await gatehouse.admin<Record<string, { key?: string }>>(query, variables);
        if (answer.body.errors) throw new Error(JSON.stringify(answer.body.errors));
        return answer.body.data!;
      };
      const probe = await gatehouse.query(TOP_PRODUCTS, {}, { 'x-gatehouse-cost': 'true' });
      const points = Math.max(1, (probe.body.extensions?.cost as { estimated: number }).estimated);
      const plan = 'mutation ($input: CreatePlanInput!) { createPlan(input: $input) { name } }';
      await admin(plan, { input: { name: 'gold', quotaPeriod: 'DAY', quotaRequests: 1000, quotaCostPoints: 50_000, rateLimitPoints: 10_000, rateLimitWindowSeconds: 60 } });
      // Three of these operations an hour: the fourth is refused with RATE_LIMITED.
      await admin(plan, { input: { name: 'tight', rateLimitPoints: points * 3, rateLimitWindowSeconds: 3600 } });
      const refused = await gatehouse.admin(plan, { input: { name: MARKUP_PLAN } });
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const keys: Record<string, string> = {};
      for (const [name, planName] of [['acme-mobile', 'gold'], ['beta-web', 'tight']] as const) {
        await admin('mutation ($input: CreateConsumerInput!) { createConsumer(input: $input) { name } }', { input: { name, plan: planName } });
        const issued = await admin('mutation ($input: IssueApiKeyInput!) { issueApiKey(input: $input) { key } }', { input: { consumer: name, label: 'dashboard test' } });
        keys[name] = issued.issueApiKey!.key!;
      }
      const as = (consumer: string) => ({ 'x-api-key': keys[consumer]! });
      for (let i = 0; i < 5; i++) expect((await gatehouse.query(TOP_PRODUCTS, {}, as('acme-mobile'))).status).toBe(200);
      for (let i = 0; i < 2; i++) expect((await gatehouse.query(BROKEN, {}, as('acme-mobile'))).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await gatehouse.query(TOP_PRODUCTS, {}, as('beta-web'))).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      await gatehouse.gatehouse.usage.recorder.flush();
    }, 60_000);
    afterAll(async () => {
      await gatehouse?.close();
      await subgraphs?.[Symbol.asyncDispose]();
    });

    it('refuses a wrong token with an error, opens with the right one, and shows what the admin API says', async ({ annotate }) => {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 1440, height: 900 });
      const log = watch(page);
      await page.goto(`${gatehouse.url}/admin`);
      expect(await page.title()).toBe('Gatehouse dashboard');

      // A wrong token: an error on the form, not a blank page.
      await page.getByLabel('Admin token').fill('not-the-admin-token');
      await page.getByRole('button', { name: 'Open dashboard' }).click();
      const alert = page.getByRole('alert');
      await alert.getByText('refused this token').waitFor();
      expect(await alert.textContent()).toContain('HTTP 401');
      await annotate(`screenshot: ${await screenshot(page, 'dashboard-wrong-token.png')}`);

      await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Open dashboard' }).click();
      await ready(page);
      // Kept for this tab only, unless asked to remember.
      expect(await page.evaluate(() => [sessionStorage.length, localStorage.length])).toEqual([1, 0]);

      // The admin API's answers for the same range (the page shows the last hour; all the traffic is in it).
      const api = await gatehouse.admin<{
        totals: { buckets: Bucket[] };
        consumers: { buckets: Bucket[] };
        operations: { buckets: Bucket[] };
        fields: { buckets: Bucket[] };
        codes: { buckets: Bucket[] };
        schema: { version: number; backends: string[] };
        acme: { quota: { requestsUsed: number; requestsLimit: number; costPointsUsed: number }; rateLimit: { limit: number } };
        beta: { rateLimit: { limit: number; remaining: number } };
      }>(`{
        totals: usage { buckets { requests errors } }
        consumers: usage(groupBy: [CONSUMER], first: 10) { buckets { consumer requests errors } }
        operations: usage(groupBy: [OPERATION], first: 10) { buckets { operation requests errors } }
        fields: usage(groupBy: [FIELD], first: 10) { buckets { field requests errors } }
        codes: usage(groupBy: [ERROR_CODE], first: 10) { buckets { errorCode requests errors } }
        schema { version backends }
        acme: consumerUsage(name: "acme-mobile") { quota { requestsUsed requestsLimit costPointsUsed } rateLimit { limit } }
        beta: consumerUsage(name: "beta-web") { rateLimit { limit remaining } }
      }`);
      expect(api.body.errors).toBeUndefined();
      const data = api.body.data!;
      const total = data.totals.buckets[0]!;
      expect(total.requests).toBe(13);

      // Totals.
      expect(await page.locator('[data-stat="requests"] .tile-value').textContent()).toBe(await count(page, total.requests));
      expect(await page.locator('[data-stat="errors"] .tile-value').textContent()).toBe(await count(page, total.errors));

      // Both charts are drawn, by uPlot, on canvases with a size.
      for (const chart of ['#traffic', '#latency']) {
        const canvas = page.locator(`${chart} .uplot canvas`);
        await canvas.waitFor();
        const box = await canvas.boundingBox();
        expect(box?.width).toBeGreaterThan(200);
        expect(box?.height).toBeGreaterThan(100);
        expect(await page.locator(`${chart} .chart-empty`).isHidden()).toBe(true);
      }

      // Top consumers, busiest first: names and counts as the API has them.
      const consumerRows = await cells(page, '#top-consumers');
      expect(consumerRows.map((row) => row[0])).toEqual(data.consumers.buckets.map((bucket) => bucket.consumer ?? '(anonymous)'));
      expect(consumerRows.map((row) => row[0]).slice(0, 2)).toEqual(['acme-mobile', 'beta-web']);
      for (const [index, bucket] of data.consumers.buckets.entries()) {
        expect(consumerRows[index]!.slice(1, 3)).toEqual([await count(page, bucket.requests), await count(page, bucket.errors)]);
      }

      // Top operation and fields.
      const operationRows = await cells(page, '#top-operations');
      expect(data.operations.buckets[0]!.operation).toBe('TopProducts');
      expect(operationRows[0]![0]).toMatch(/^TopProducts [0-9a-f]{8}$/);
      expect(operationRows[0]![1]).toBe(await count(page, data.operations.buckets[0]!.requests));
      expect(operationRows.some((row) => row[0]!.startsWith('Broken'))).toBe(true);
      const fieldRows = await cells(page, '#top-fields');
      const fields = data.fields.buckets.filter((bucket) => bucket.field !== null);
      expect(fieldRows.map((row) => row[0])).toEqual(fields.map((bucket) => bucket.field));
      expect(fieldRows.map((row) => row[1])).toEqual(await Promise.all(fields.map((bucket) => count(page, bucket.requests))));

      // Errors by code: the rate limit's refusals and the invalid documents.
      const codeRows = Object.fromEntries((await cells(page, '#error-codes')).map((row) => [row[0], row[1]]));
      const codes: Record<string, number> = Object.fromEntries(data.codes.buckets.filter((bucket) => bucket.errorCode).map((bucket) => [bucket.errorCode, bucket.requests]));
      expect(codes).toMatchObject({ RATE_LIMITED: 2, GRAPHQL_VALIDATION_FAILED: 2 });
      expect(codeRows).toEqual(Object.fromEntries(await Promise.all(Object.entries(codes).map(async ([code, n]) => [code, await count(page, n)]))));

      // The busiest consumer's spend against its plan: gold's quota and rate limit.
      const spend = page.locator('#spend');
      expect(await page.locator('#spend-consumer').inputValue()).toBe('acme-mobile');
      expect(await spend.locator('[data-role="plan"]').textContent()).toBe('gold');
      expect(await spend.locator('[data-budget="quota-requests"] .budget-value').textContent()).toBe(
        `${await count(page, data.acme.quota.requestsUsed)} of ${await count(page, data.acme.quota.requestsLimit)} used`,
      );
      expect(await spend.locator('[data-budget="quota-cost"] .budget-value').textContent()).toContain(`of ${await count(page, 50_000)} used`);
      expect(await spend.locator('[data-budget="rate-limit"] .budget-line').textContent()).toContain(`of ${await count(page, data.acme.rateLimit.limit)} used`);
      expect(await spend.locator('[data-budget="rate-limit"]').textContent()).toContain('per 60 s');
      // Another consumer: tight's rate limit, spent.
      await page.locator('#spend-consumer').selectOption('beta-web');
      await spend.locator('[data-role="plan"]', { hasText: 'tight' }).waitFor();
      expect(await spend.textContent()).toContain('No quota on this plan.');
      const betaLimit = data.beta.rateLimit;
      expect(await spend.locator('[data-budget="rate-limit"] .budget-line').textContent()).toContain(`of ${await count(page, betaLimit.limit)} used`);
      expect(betaLimit.remaining).toBeLessThan(betaLimit.limit / 3);

      // The served schema and its backends.
      expect(await page.locator('[data-role="schema-version"]').textContent()).toBe(String(data.schema.version));
      expect(await page.locator('[data-role="schema-badge"]').textContent()).toBe(`Schema v${data.schema.version} · 4 backends`);
      const backendNames = await page.locator('#schema .backend-name').allTextContents();
      expect(backendNames.sort()).toEqual(subgraphs.map((subgraph) => subgraph.name).sort());

      // The audit log: this test's admin mutations, the refused one's markup as plain text.
      const audit = await cells(page, '#audit');
      const entries = audit.map((row) => `${row[1]} ${row[2]} ${row[3]}`);
      expect(entries).toEqual(
        expect.arrayContaining([
          'issueApiKey consumer:beta-web ok',
          'createConsumer consumer:acme-mobile ok',
          'createPlan plan:tight ok',
          'createPlan plan:gold ok',
          'createPlan plan:<img src=x onerror="window.injected=1"> BAD_USER_INPUT',
          'registerBackend backend:accounts ok',
        ]),
      );
      expect(audit.find((row) => row[3] === 'BAD_USER_INPUT')![4]).toContain(MARKUP_PLAN.replace(/"/g, '\\"'));
      expect(await page.locator('#audit img').count()).toBe(0);
      expect(await page.evaluate(() => (window as { injected?: number }).injected)).toBeUndefined();

      // Another range asks again and shows the same traffic.
      const [answer] = await Promise.all([
        page.waitForResponse((response) => response.url().endsWith('/admin/graphql') && (response.request().postData() ?? '').includes('query Dashboard')),
        page.getByRole('button', { name: '24h' }).click(),
      ]);
      const variables = (JSON.parse(answer.request().postData()!) as { variables: { from: string; to: string; interval: string } }).variables;
      expect(Date.parse(variables.to) - Date.parse(variables.from)).toBe(86_400_000);
      expect(variables.interval).toBe('HOUR');
      await ready(page);
      expect(await page.getByRole('button', { name: '24h' }).getAttribute('aria-pressed')).toBe('true');
      expect(await page.locator('[data-stat="requests"] .tile-value').textContent()).toBe(await count(page, total.requests));
      expect(page.url()).toMatch(/#range=24h&refresh=0$/);

      await annotate(`screenshot: ${await screenshot(page, 'dashboard.png')}`);

      // Everything came from the gateway's own origin: page, script, stylesheet, API.
      const origin = new URL(gatehouse.url).origin;
      expect(log.requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
      expect(log.requests.some((url) => /\/admin\/assets\/dashboard\.[0-9a-f]{16}\.js$/.test(url))).toBe(true);
      expect(log.problems).toEqual([]);
      expect(browser.offLoopbackRequests).toEqual([]);
      await page.close();
    });
  });

  describe('in the demo', () => {
    let demo: RunningDemo;

    beforeAll(async () => {
      demo = await startTestDemo();
    }, 60_000);
    afterAll(async () => {
      await demo?.close();
    });

    it('opens with the demo token, shows empty states without traffic, and an error state when the admin API is gone', async ({ annotate }) => {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 1366, height: 768 });
      const log = watch(page);
      const [first] = await Promise.all([
        page.waitForResponse((response) => response.url().endsWith('/admin/graphql')),
        page.goto(`${demo.url}/admin`),
      ]);
      // No login: the page came with the demo's token.
      expect(first.request().headers()['authorization']).toBe(`Bearer ${demo.adminToken}`);
      await ready(page);

      // No request yet: empty states, not blanks or zeros pretending to be data.
      expect(await page.locator('#top-consumers .empty').textContent()).toBe('No requests in the last hour.');
      expect(await page.locator('#top-operations .empty').textContent()).toBe('No requests in the last hour.');
      expect(await page.locator('#error-codes .empty').textContent()).toBe('No errors in the last hour.');
      expect(await page.locator('#traffic .chart-empty').textContent()).toBe('No requests in the last hour.');
      expect(await page.locator('#traffic .uplot canvas').boundingBox()).toMatchObject({ width: expect.any(Number) });
      // The demo's registrations: six backends, and their mutations in the audit log.
      const backendNames = await page.locator('#schema .backend-name').allTextContents();
      expect(backendNames.sort()).toEqual(demo.services.map((service) => service.name).sort());
      expect((await cells(page, '#audit')).map((row) => row[1])).toEqual(expect.arrayContaining(['registerBackend', 'createPlan', 'issueApiKey']));
      expect(await page.locator('#spend-consumer').inputValue()).toBe('demo');
      expect(await page.locator('#spend [data-budget="rate-limit"]').textContent()).toContain('per 1 s');
      await annotate(`screenshot: ${await screenshot(page, 'dashboard-demo.png')}`);

      // The gateway goes away: the next automatic refresh (10 s; off until chosen) says so and
      // keeps what it showed.
      await demo.close();
      await page.getByLabel('Auto-refresh').selectOption('10');
      expect(page.url()).toMatch(/#range=1h&refresh=10$/);
      await page.locator('#dashboard[data-state="error"]').waitFor({ timeout: 30_000 });
      expect(await page.getByRole('alert').textContent()).toContain('could not be refreshed');
      expect(await page.locator('[data-role="schema-version"]').textContent()).toMatch(/^\d+$/);

      expect(log.requests.filter((url) => new URL(url).origin !== new URL(demo.url).origin)).toEqual([]);
      expect(log.problems.filter((problem) => !problem.includes('Failed to fetch') && !problem.includes('ERR_CONNECTION_REFUSED'))).toEqual([]);
      expect(browser.offLoopbackRequests).toEqual([]);
      await page.close();
    }, 60_000);
  });
});
