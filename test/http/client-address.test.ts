import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientAddressResolver, forwardedFor, xForwardedFor } from '../../src/http/client-address.js';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse, type GraphQLResponse } from '../helpers/gatehouse.js';
import { shop } from '../request-path/fixtures.js';

describe('client address', () => {
  const behindLb = createClientAddressResolver({ trustedProxies: ['10.0.0.0/8', '127.0.0.1/32'] });
  const xff = (value: string) => ({ 'x-forwarded-for': value });

  it('is the peer when no proxy is trusted, whatever the headers say', () => {
    const direct = createClientAddressResolver();
    expect(direct('203.0.113.7', xff('198.51.100.1'))).toBe('203.0.113.7');
    expect(direct('::ffff:203.0.113.7', {})).toBe('203.0.113.7');
    expect(direct('2001:db8:0:0:0:0:0:1', {})).toBe('2001:db8::1');
    expect(direct(undefined, {})).toBeUndefined();
  });

  it('never believes the header of an untrusted peer', () => {
    expect(behindLb('203.0.113.7', xff('198.51.100.1'))).toBe('203.0.113.7');
    expect(behindLb('203.0.113.7', { forwarded: 'for=198.51.100.1' })).toBe('203.0.113.7');
  });

  it('walks from the right past trusted hops, and stops at the first untrusted one', () => {
    expect(behindLb('10.0.0.2', xff('198.51.100.1'))).toBe('198.51.100.1');
    expect(behindLb('10.0.0.2', xff('198.51.100.1, 10.1.2.3'))).toBe('198.51.100.1');
    // The client wrote the leftmost entry itself; the trusted proxy appended its real address.
    expect(behindLb('10.0.0.2', xff('1.1.1.1, 198.51.100.1, 10.1.2.3'))).toBe('198.51.100.1');
    expect(behindLb('::ffff:10.0.0.2', xff('198.51.100.1:5678'))).toBe('198.51.100.1');
    expect(behindLb('10.0.0.2', xff('[2001:db8::1]:443'))).toBe('2001:db8::1');
    // Every hop trusted: the leftmost is the client (an internal caller).
    expect(behindLb('10.0.0.2', xff('10.9.9.9, 10.1.2.3'))).toBe('10.9.9.9');
  });

  it('stops at the proxy that wrote something that is not an address', () => {
    expect(behindLb('10.0.0.2', xff('198.51.100.1, unknown'))).toBe('10.0.0.2');
    expect(behindLb('10.0.0.2', xff('198.51.100.1, 127.1'))).toBe('10.0.0.2');
    expect(behindLb('10.0.0.2', {})).toBe('10.0.0.2');
    expect(behindLb('10.0.0.2', xff(''))).toBe('10.0.0.2');
  });

  it('reads RFC 7239 Forwarded when told to, and only then', () => {
    const rfc = createClientAddressResolver({ trustedProxies: ['10.0.0.0/8'], header: 'forwarded' });
    const forwarded = 'for=1.1.1.1, for="[2001:db8:cafe::17]:4711";proto=https;by=10.0.0.1, for=10.1.1.1';
    expect(rfc('10.0.0.2', { forwarded })).toBe('2001:db8:cafe::17');
    expect(rfc('10.0.0.2', { forwarded: 'For="198.51.100.9:80"', 'x-forwarded-for': '1.1.1.1' })).toBe('198.51.100.9');
    expect(rfc('10.0.0.2', { forwarded: 'for=_hidden, for=10.1.1.1' })).toBe('10.1.1.1');
    expect(rfc('10.0.0.2', { forwarded: 'proto=https' })).toBe('10.0.0.2');
    // The default header is X-Forwarded-For: a Forwarded a client sent through such a proxy is ignored.
    expect(behindLb('10.0.0.2', { forwarded: 'for=1.1.1.1', 'x-forwarded-for': '198.51.100.1' })).toBe('198.51.100.1');
  });

  it('parses both headers as written', () => {
    expect(xForwardedFor(' a , b,,c ')).toEqual(['a', 'b', 'c']);
    expect(forwardedFor('for="a,b";proto=x, by=y, FOR=c')).toEqual(['a,b', undefined, 'c']);
    expect(forwardedFor('')).toEqual([]);
  });
});

describe('anonymous budgets behind a load balancer (HTTP)', () => {
  let subgraph: RunningSubgraph;
  beforeAll(async () => {
    subgraph = await serveSubgraph(shop);
  });
  afterAll(async () => {
    await subgraph?.close();
  });

  // 50 points a minute and a 25-point operation: two operations per address.
  async function gatehouseWith(env: Record<string, string>) {
    const gatehouse = await startGatehouse({
      backends: [{ name: 'shop', url: subgraph.url }],
      env: { GATEHOUSE_ANONYMOUS_PLAN: 'per-address', ...env },
      now: () => Date.UTC(2030, 0, 1),
    });
    const created = await gatehouse.admin('mutation($input: CreatePlanInput!) { createPlan(input: $input) { name } }', {
      input: { name: 'per-address', rateLimitPoints: 50, rateLimitWindowSeconds: 60 },
    });
    expect(created.body.errors).toBeUndefined();
    return gatehouse;
  }
  const remaining = (response: GraphQLResponse) => response.headers.get('ratelimit-remaining');

  it('ignores a spoofed X-Forwarded-For from an untrusted peer', async () => {
    await using gatehouse = await gatehouseWith({});
    const as = (address: string) => gatehouse.query('{ expensive }', undefined, { 'x-forwarded-for': address });
    expect(remaining(await as('198.51.100.1'))).toBe('25');
    expect(remaining(await as('198.51.100.2'))).toBe('0');
    const refused = await as('198.51.100.3');
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('through a trusted hop, two clients behind one proxy get separate budgets, and a spoofed left entry changes nothing', async () => {
    await using gatehouse = await gatehouseWith({ GATEHOUSE_TRUSTED_PROXIES: '127.0.0.1/32, ::1' });
    const as = (chain: string) => gatehouse.query('{ expensive }', undefined, { 'x-forwarded-for': chain });
    expect(remaining(await as('198.51.100.1'))).toBe('25');
    expect(remaining(await as('198.51.100.2'))).toBe('25');
    expect(remaining(await as('198.51.100.2'))).toBe('0');
    // Client 1 again, pretending to be someone else in front of the proxy's entry.
    expect(remaining(await as('203.0.113.99, 198.51.100.1'))).toBe('0');
    expect((await as('203.0.113.98, 198.51.100.1')).status).toBe(429);
    expect((await as('198.51.100.3')).status).toBe(200);
  });
});
