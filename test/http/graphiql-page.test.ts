import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, TEST_ADMIN_TOKEN, type RunningGatehouse } from '../helpers/gatehouse.js';
import { shop } from '../request-path/fixtures.js';

interface PageOptions {
  title: string;
  defaultQuery?: string;
  headers: string;
}

async function page(url: string): Promise<{ status: number; contentType: string | null; html: string; options: PageOptions }> {
  const response = await fetch(url, { headers: { accept: 'text/html' } });
  const html = await response.text();
  const options = /var options = (.*);\n/.exec(html)?.[1];
  return { status: response.status, contentType: response.headers.get('content-type'), html, options: options ? (JSON.parse(options) as PageOptions) : ({} as PageOptions) };
}

describe('the GraphiQL pages, outside the demo', () => {
  let subgraph: RunningSubgraph;
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    subgraph = await serveSubgraph(shop);
    gatehouse = await startGatehouse({
      backends: [{ name: 'shop', url: subgraph.url }],
      env: { GATEHOUSE_GRAPHIQL_DEFAULT_QUERY: '# Try this </script> one\nquery Table { product(upc: "p1") { name } }' },
    });
  });
  afterAll(async () => {
    await gatehouse?.close();
    await subgraph?.close();
  });

  it('carries GraphiQL itself: no script, style, worker or icon from another host', async () => {
    for (const path of ['/graphql', '/admin/graphql']) {
      const { status, contentType, html } = await page(`${gatehouse.url}${path}`);
      expect(status).toBe(200);
      expect(contentType).toContain('text/html');
      expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
      expect(html).not.toMatch(/unpkg|jsdelivr|cdn\./i);
      expect(html).toContain('YogaGraphiQL.renderYogaGraphiQL');
      // The editor's workers start from the page's own code.
      expect(html).toContain('URL.createObjectURL(new Blob(');
    }
  });

  it('sets the title, the default query, and headers without a secret', async () => {
    const graphql = await page(`${gatehouse.url}/graphql`);
    expect(graphql.html).toContain('<title>Gatehouse</title>');
    expect(graphql.options.title).toBe('Gatehouse');
    expect(graphql.options.defaultQuery).toBe('# Try this </script> one\nquery Table { product(upc: "p1") { name } }');
    // The query's `</script>` can't end the page's script early.
    expect(graphql.html.match(/<\/script>/g)).toHaveLength(3);
    expect(JSON.parse(graphql.options.headers)).toEqual({ 'x-api-key': '' });

    const admin = await page(`${gatehouse.url}/admin/graphql`);
    expect(admin.html).toContain('<title>Gatehouse admin</title>');
    expect(admin.options.defaultQuery).toContain('query Overview');
    expect(JSON.parse(admin.options.headers)).toEqual({ Authorization: 'Bearer ' });
    expect(admin.html).not.toContain(TEST_ADMIN_TOKEN);
  });

  it("keeps each page's browser storage apart (one origin, two GraphiQLs)", async () => {
    const namespaceOf = (html: string) => /var prefix = "([^"]+)";/.exec(html)?.[1];
    expect(namespaceOf((await page(`${gatehouse.url}/graphql`)).html)).toBe('gatehouse:');
    expect(namespaceOf((await page(`${gatehouse.url}/admin/graphql`)).html)).toBe('gatehouse-admin:');
  });

  it('serves no page with GATEHOUSE_GRAPHIQL=false', async () => {
    await using off = await startGatehouse({ backends: [{ name: 'shop', url: subgraph.url }], env: { GATEHOUSE_GRAPHIQL: 'false' } });
    for (const path of ['/graphql', '/admin/graphql']) {
      const response = await fetch(`${off.url}${path}`, { headers: { accept: 'text/html' } });
      expect(String(response.headers.get('content-type'))).not.toContain('text/html');
      expect(await response.text()).not.toContain('YogaGraphiQL');
      expect(response.status).toBeGreaterThanOrEqual(400);
    }
  });
});
