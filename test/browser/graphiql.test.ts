import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDemo } from '../../scripts/start-demo.js';
import { launchOfflineChromium, type OfflineBrowser } from '../helpers/browser.js';
import { startTestDemo } from '../helpers/demo.js';

/**
 * Both GraphiQL pages in a real Chromium that can reach nothing but loopback, against the demo
 * (`npm run demo`, here on free ports). Every wait is for something to appear: a response, an
 * element, a text.
 */
describe('GraphiQL in a browser without internet', () => {
  let demo: RunningDemo;
  let browser: OfflineBrowser;
  let screenshotDir: string;

  beforeAll(async () => {
    [demo, browser, screenshotDir] = await Promise.all([startTestDemo(), launchOfflineChromium(), mkdtemp(join(tmpdir(), 'gatehouse-graphiql-'))]);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  /** The POST of an operation whose text includes `marker`, answered. */
  function operationAnswered(page: Page, path: string, marker: string): Promise<Response> {
    return page.waitForResponse((response) => {
      const request: Request = response.request();
      return new URL(response.url()).pathname === path && request.method() === 'POST' && (request.postData() ?? '').includes(marker);
    });
  }

  /** Text of the element, with Monaco's non-breaking spaces made plain. */
  async function textOf(page: Page, selector: string): Promise<string> {
    return ((await page.locator(selector).first().textContent()) ?? '').replace(/\u00a0/g, ' ');
  }

  async function waitForText(page: Page, selector: string, text: string): Promise<void> {
    await page.waitForFunction(
      ([selector, text]) => (document.querySelector(selector!)?.textContent ?? '').replace(/\u00a0/g, ' ').includes(text!),
      [selector, text],
    );
  }

  async function screenshot(page: Page, name: string): Promise<string> {
    const path = join(screenshotDir, name);
    await page.screenshot({ path, fullPage: true });
    expect((await stat(path)).size).toBeGreaterThan(10_000);
    return path;
  }

  it('serves /graphql: the demo query in the editor runs with the demo key, and Docs list the schema', async ({ annotate }) => {
    const page = await browser.context.newPage();
    const [schemaAnswer] = await Promise.all([operationAnswered(page, '/graphql', '__schema'), page.goto(`${demo.url}/graphql`)]);
    expect(await page.title()).toBe('Gatehouse');

    // GraphiQL fetched the schema.
    expect(schemaAnswer.status()).toBe(200);
    expect(((await schemaAnswer.json()) as { errors?: unknown }).errors).toBeUndefined();
    // The same introspection query without the key, as an anonymous visitor's GraphiQL sends it:
    // the anonymous plan's maxDepth 12 doesn't refuse its 15 levels.
    const anonymous = await fetch(`${demo.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: schemaAnswer.request().postData()! });
    expect(anonymous.status).toBe(200);
    expect(((await anonymous.json()) as { errors?: unknown; data?: { __schema?: unknown } }).data?.__schema).toBeDefined();

    // The demo's query, not GraphiQL's welcome comment.
    await waitForText(page, '.graphiql-query-editor', 'query TopProducts {');
    expect(await textOf(page, '.graphiql-query-editor')).toContain('topProducts(first: 3) {');

    const [answer] = await Promise.all([operationAnswered(page, '/graphql', 'TopProducts'), page.locator('.graphiql-execute-button').click()]);
    // The headers tab held the key the demo printed.
    expect(answer.request().headers()['x-api-key']).toBe(demo.demoKey);
    expect(answer.status()).toBe(200);
    const body = (await answer.json()) as { data?: { topProducts: Array<{ name: string; pricing: unknown; questions: unknown[] }> }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.topProducts).toHaveLength(3);
    const [first] = body.data!.topProducts;
    await waitForText(page, '.graphiql-response', first!.name);
    expect(await textOf(page, '.graphiql-response')).toContain('"shippingEstimate"');

    await page.getByLabel('Show Documentation Explorer').click();
    await waitForText(page, '.graphiql-doc-explorer', 'Query');
    await page.locator('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name', { hasText: 'Query' }).first().click();
    await waitForText(page, '.graphiql-doc-explorer', 'topProducts');

    await annotate(`screenshot: ${await screenshot(page, 'graphql.png')}`);
    expect(browser.offLoopbackRequests).toEqual([]);
    await page.close();
  });

  it('serves /admin/graphql: the schema loads with the demo admin token, and Docs list it', async ({ annotate }) => {
    const page = await browser.context.newPage();
    const [schemaAnswer] = await Promise.all([operationAnswered(page, '/admin/graphql', '__schema'), page.goto(`${demo.url}/admin/graphql`)]);
    expect(await page.title()).toBe('Gatehouse admin');

    expect(schemaAnswer.request().headers()['authorization']).toBe(`Bearer ${demo.adminToken}`);
    expect(schemaAnswer.status()).toBe(200);
    expect(((await schemaAnswer.json()) as { errors?: unknown }).errors).toBeUndefined();

    // Its own first query, a look at the registry, runs with the token too.
    await waitForText(page, '.graphiql-query-editor', 'query Overview {');
    const [answer] = await Promise.all([operationAnswered(page, '/admin/graphql', 'Overview'), page.locator('.graphiql-execute-button').click()]);
    expect(answer.status()).toBe(200);
    expect(((await answer.json()) as { data?: { backends: unknown[] } }).data?.backends).toHaveLength(6);
    await waitForText(page, '.graphiql-response', '"FEDERATION_SUBGRAPH"');

    await page.getByLabel('Show Documentation Explorer').click();
    await page.locator('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name', { hasText: 'Mutation' }).first().click();
    await waitForText(page, '.graphiql-doc-explorer', 'registerBackend');
    await waitForText(page, '.graphiql-doc-explorer', 'rotateApiKey');

    await annotate(`screenshot: ${await screenshot(page, 'admin-graphql.png')}`);
    expect(browser.offLoopbackRequests).toEqual([]);
    await page.close();
  });

  it('asked nothing of any host but loopback', () => {
    expect(browser.offLoopbackRequests).toEqual([]);
  });
});
