import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch, request, type Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateBackendUrl, type LookupFn } from '../../src/net/backend-url.js';
import { BlockedAddressError, createGuardedAgent, isBlockedAddressError } from '../../src/net/guarded-agent.js';

// Traffic in this file only ever goes to 127.0.0.1. Every other address appears only as a lookup
// answer that the agent must refuse before it connects.

interface CountingServer {
  port: number;
  requests: number;
  connections: number;
  hosts: string[];
  close(): Promise<void>;
}

async function startCountingServer(): Promise<CountingServer> {
  const state = { requests: 0, connections: 0, hosts: [] as string[] };
  const server: Server = createServer((req, res) => {
    state.requests += 1;
    state.hosts.push(req.headers.host ?? '');
    res.setHeader('content-type', 'application/json');
    res.end('{"data":{"ok":true}}');
  });
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  });
}

/** A resolver that answers every name with `addresses` and counts how often it was asked. */
function fakeDns(...addresses: string[]): LookupFn & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(lookup, { calls });
}

const neverCalled: LookupFn = async () => {
  throw new Error('lookup must not be called for an IP literal');
};

describe('createGuardedAgent', () => {
  let server: CountingServer;
  const agents: Agent[] = [];
  function agent(options: Parameters<typeof createGuardedAgent>[0]): Agent {
    const created = createGuardedAgent(options);
    agents.push(created);
    return created;
  }

  beforeEach(async () => {
    server = await startCountingServer();
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.close()));
    await server.close();
  });

  async function refusal(promise: Promise<unknown>): Promise<BlockedAddressError> {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isBlockedAddressError(err)).toBe(true);
    expect(err).toBeInstanceOf(BlockedAddressError);
    return err as BlockedAddressError;
  }

  it('reaches a loopback backend by IP literal when private backends are allowed', async () => {
    const dispatcher = agent({ allowPrivate: true, lookup: neverCalled });
    const res = await request(`http://127.0.0.1:${server.port}/graphql`, { dispatcher });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ data: { ok: true } });
    expect(server.requests).toBe(1);
  });

  it('refuses a loopback IP literal without allowPrivate, before connecting', async () => {
    const dispatcher = agent({ allowPrivate: false, lookup: neverCalled });
    const err = await refusal(request(`http://127.0.0.1:${server.port}/graphql`, { dispatcher }));
    expect(err.reason).toMatch(/loopback address/);
    expect(err.hostname).toBe('127.0.0.1');
    expect(server.connections).toBe(0);
    expect(server.requests).toBe(0);
  });

  it('reaches a name resolving to loopback when allowed, and sends the name as Host', async () => {
    const dns = fakeDns('127.0.0.1');
    const dispatcher = agent({ allowPrivate: true, lookup: dns });
    const res = await request(`http://users.backend.test:${server.port}/graphql`, { dispatcher });
    await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(server.hosts).toEqual([`users.backend.test:${server.port}`]);
    expect(dns.calls).toEqual(['users.backend.test']);
  });

  it('refuses a name resolving to loopback without allowPrivate (rebinding after registration)', async () => {
    // At registration the name pointed at a public address...
    await expect(
      validateBackendUrl(`http://users.backend.test:${server.port}/graphql`, {
        allowPrivate: false,
        lookup: fakeDns('93.184.216.34'),
      }),
    ).resolves.toBeInstanceOf(URL);
    // ...by the time the gateway connects it points inside.
    const dispatcher = agent({ allowPrivate: false, lookup: fakeDns('127.0.0.1') });
    const err = await refusal(request(`http://users.backend.test:${server.port}/graphql`, { dispatcher }));
    expect(err.reason).toMatch(/loopback address/);
    expect(server.connections).toBe(0);
    expect(server.requests).toBe(0);
  });

  it.each([
    [['169.254.169.254'], /cloud metadata address/],
    [['169.254.10.20'], /link-local address/],
    [['fe80::1'], /link-local address/],
    [['::ffff:169.254.169.254'], /cloud metadata address/],
    [['fd00:ec2::254'], /cloud metadata address/],
    [['0.0.0.0'], /unspecified address/],
    // One allowed answer does not make a refused one acceptable: Node may try either.
    [['127.0.0.1', '169.254.169.254'], /cloud metadata address/],
  ])('refuses a name resolving to %j even with allowPrivate (%s)', async (addresses, reason) => {
    const dispatcher = agent({ allowPrivate: true, lookup: fakeDns(...addresses) });
    const err = await refusal(request(`http://users.backend.test:${server.port}/graphql`, { dispatcher }));
    expect(err.reason).toMatch(reason);
    expect(server.connections).toBe(0);
  });

  // Non-loopback IP literals are classified in backend-url.test.ts and are not sent through the agent
  // here: were the guard broken, the test itself would connect to them. The loopback literal above
  // shows the connector's own check for literals; a metadata name shows its name check.
  it('refuses a cloud metadata host name even with allowPrivate, without resolving it', async () => {
    const dispatcher = agent({ allowPrivate: true, lookup: neverCalled });
    const err = await refusal(request('http://metadata.google.internal/computeMetadata/v1/', { dispatcher }));
    expect(err.reason).toMatch(/cloud metadata service/);
  });

  it('checks once per connection: keep-alive requests reuse the socket without a new lookup', async () => {
    const dns = fakeDns('127.0.0.1');
    const dispatcher = agent({ allowPrivate: true, lookup: dns, connections: 1 });
    for (let i = 0; i < 3; i += 1) {
      const res = await request(`http://users.backend.test:${server.port}/graphql`, { dispatcher });
      await res.body.text();
    }
    expect(server.requests).toBe(3);
    expect(server.connections).toBe(1);
    expect(dns.calls).toHaveLength(1);
  });

  it('is recognisable through fetch, which wraps connect errors', async () => {
    const dispatcher = agent({ allowPrivate: false, lookup: fakeDns('10.0.0.1') });
    const err = await fetch(`http://users.backend.test:${server.port}/graphql`, { dispatcher }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(isBlockedAddressError(err)).toBe(true);
    expect(server.connections).toBe(0);
  });

  it('does not mistake other connection failures for a refusal', async () => {
    const closed = await startCountingServer();
    const port = closed.port;
    await closed.close();
    const dispatcher = agent({ allowPrivate: true, lookup: neverCalled });
    const err = await request(`http://127.0.0.1:${port}/`, { dispatcher }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isBlockedAddressError(err)).toBe(false);
  });

  it('passes DNS failures through unchanged', async () => {
    const dispatcher = agent({
      allowPrivate: true,
      lookup: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND users.backend.test'), { code: 'ENOTFOUND' });
      },
    });
    const err = await request(`http://users.backend.test:${server.port}/`, { dispatcher }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENOTFOUND' });
    expect(isBlockedAddressError(err)).toBe(false);
  });
});

describe('isBlockedAddressError', () => {
  const blocked = new BlockedAddressError('x.test', 'a link-local address');
  it.each([
    [blocked, true],
    [new TypeError('fetch failed', { cause: blocked }), true],
    [new Error('outer', { cause: new Error('inner', { cause: blocked }) }), true],
    [new AggregateError([new Error('other'), blocked]), true],
    [new Error('connect ECONNREFUSED'), false],
    [{ code: 'GATEHOUSE_BLOCKED_ADDRESS' }, false],
    [null, false],
    ['GATEHOUSE_BLOCKED_ADDRESS', false],
  ])('%#: %s → %s', (err, expected) => {
    expect(isBlockedAddressError(err)).toBe(expected);
  });

  it('stops on a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(isBlockedAddressError(a)).toBe(false);
  });
});
