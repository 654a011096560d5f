import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, TEST_ADMIN_TOKEN, type RunningGatehouse } from '../helpers/gatehouse.js';

const QUERY = '{ plans { name } }';

describe('what the admin API accepts', () => {
  let gatehouse: RunningGatehouse;
  let adminUrl: string;
  const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

  beforeAll(async () => {
    gatehouse = await startGatehouse();
    adminUrl = `${gatehouse.url}/admin/graphql`;
  });
  afterAll(() => gatehouse?.close());

  async function expectRefused(init: RequestInit, url: string, status: number, headers: Record<string, string> = {}) {
    const response = await fetch(url, { ...init, headers: { accept: 'application/json', ...auth, ...init.headers } });
    expect(response.status).toBe(status);
    for (const [name, value] of Object.entries(headers)) expect(response.headers.get(name)).toBe(value);
    const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(body.errors?.[0]?.message).toMatch(/application\/json/);
    return body;
  }

  it('takes application/json POSTs, with or without a charset', async () => {
    for (const contentType of ['application/json', 'application/json; charset=utf-8']) {
      const response = await fetch(adminUrl, { method: 'POST', headers: { 'content-type': contentType, ...auth }, body: JSON.stringify({ query: QUERY }) });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { plans: expect.any(Array) } });
    }
  });

  it('refuses bodies a page on another site could send without a preflight, and other types, with 415', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: QUERY }));
    const bodies: RequestInit[] = [
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `query=${encodeURIComponent(QUERY)}` },
      { method: 'POST', body: form },
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: QUERY }) },
      { method: 'POST', headers: { 'content-type': 'application/graphql' }, body: QUERY },
      { method: 'POST', headers: { 'content-type': 'application/json, text/plain' }, body: JSON.stringify({ query: QUERY }) },
      { method: 'POST', body: JSON.stringify({ query: QUERY }) },
    ];
    for (const init of bodies) await expectRefused(init, adminUrl, 415);
  });

  it('refuses operations in a GET query string with 405 and Allow: POST, token or not', async () => {
    await expectRefused({ method: 'GET' }, `${adminUrl}?query=${encodeURIComponent(QUERY)}`, 405, { allow: 'POST' });
    await expectRefused({ method: 'GET', headers: { authorization: '' } }, `${adminUrl}?query=${encodeURIComponent(QUERY)}`, 405);
    // A mutation through GET, which a link or an <img> could send, too.
    await expectRefused({ method: 'GET' }, `${adminUrl}?query=${encodeURIComponent('mutation { deletePlan(name: "x") }')}`, 405);
  });

  it("still serves GraphiQL's page on a GET asking for HTML", async () => {
    const response = await fetch(adminUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
  });
});
