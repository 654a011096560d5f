import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  BackendUrlError,
  checkAddressAllowed,
  validateBackendUrl,
  validateBackendUrlSyntax,
  type LookupFn,
} from '../../src/net/backend-url.js';

// Nothing here opens a connection: names resolve through an injected lookup, literals are only classified.
function lookupReturning(...addresses: string[]): LookupFn {
  return async () => addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
}

const failingLookup: LookupFn = async (hostname) => {
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BackendUrlError);
  return (err as BackendUrlError).reason;
}

function syntaxReasonOf(raw: string): string {
  try {
    validateBackendUrlSyntax(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(BackendUrlError);
    return (err as BackendUrlError).reason;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

describe('validateBackendUrlSyntax', () => {
  it.each([
    ['http://backend.example.com/graphql', 'http://backend.example.com/graphql'],
    ['https://backend.example.com:8443/graphql?x=1', 'https://backend.example.com:8443/graphql?x=1'],
    ['HTTPS://Backend.Example.COM/', 'https://backend.example.com/'],
    ['http://[2001:4860:4860::8888]/graphql', 'http://[2001:4860:4860::8888]/graphql'],
    ['http://backend.example.com/users/@me', 'http://backend.example.com/users/@me'],
    // WHATWG normalises numeric IPv4 forms; syntax accepts them, the address check classifies them.
    ['http://2130706433/', 'http://127.0.0.1/'],
    ['http://0x7f.1/', 'http://127.0.0.1/'],
    ['http://0177.0.0.1/', 'http://127.0.0.1/'],
  ])('accepts %s as %s', (raw, normalised) => {
    expect(validateBackendUrlSyntax(raw).href).toBe(normalised);
  });

  it.each([
    ['', /empty/],
    ['ftp://backend.example.com/', /http:\/\/ or https:\/\//],
    ['file:///etc/passwd', /http:\/\/ or https:\/\//],
    ['javascript:alert(1)', /http:\/\/ or https:\/\//],
    ['gopher://backend.example.com/', /http:\/\/ or https:\/\//],
    ['//backend.example.com/', /http:\/\/ or https:\/\//],
    ['backend.example.com', /http:\/\/ or https:\/\//],
    ['http:backend.example.com', /http:\/\/ or https:\/\//],
    ['http://user:secret@backend.example.com/', /credentials/],
    ['http://user@backend.example.com/', /credentials/],
    ['http://@backend.example.com/', /credentials/],
    ['http://:@backend.example.com/', /credentials/],
    ['http://backend.example.com@169.254.169.254/', /credentials/],
    ['http://backend.example.com\\@169.254.169.254/', /backslash/],
    ['http:\\\\backend.example.com/', /backslash/],
    [' http://backend.example.com/', /whitespace or control/],
    ['http://backend.example.com/ ', /whitespace or control/],
    ['http://backend.exa\tmple.com/', /whitespace or control/],
    ['http://backend.exa\nmple.com/', /whitespace or control/],
    ['http://backend.example.com/\r\nX-Injected: 1', /whitespace or control/],
    ['http://backend.example.com/\u0000', /whitespace or control/],
    ['http://backend.example.com/\u007f', /whitespace or control/],
    ['http://backend.example.com/\u0085', /whitespace or control/],
    ['http://backend.example.com/\u00a0', /whitespace or control/],
    ['http://backend.example.com/\u2028', /whitespace or control/],
    ['http://backend.example.com/\ufeff', /whitespace or control/],
    ['http://', /not a valid URL/],
    ['http:///', /not a valid URL/],
    ['http://:8080/', /not a valid URL/],
    ['http://[::1/', /not a valid URL/],
    ['http://1.2.3.4.5/', /not a valid URL/],
    ['http://backend.example.com:99999/', /not a valid URL/],
    ['http://backend.example.com:0/', /port 0/],
    ['http://metadata.google.internal/computeMetadata/v1/', /cloud metadata/],
    ['http://METADATA.google.internal./', /cloud metadata/],
    ['http://metadata/', /cloud metadata/],
    ['http://metadata./', /cloud metadata/],
    ['http://instance-data/latest/meta-data/', /cloud metadata/],
    // IDNA maps the circled letter to "m" before the name is compared.
    ['http://\u24dcetadata.google.internal/', /cloud metadata/],
    ['http://backend.example.com/' + 'a'.repeat(2100), /longer than/],
  ])('refuses %j (%s)', (raw, reason) => {
    expect(syntaxReasonOf(raw)).toMatch(reason);
  });

  it('never repeats credentials in the reason', () => {
    const reason = syntaxReasonOf('https://admin:hunter2@backend.example.com/');
    expect(reason).not.toContain('hunter2');
    expect(reason).not.toContain('admin');
  });
});

describe('checkAddressAllowed', () => {
  const publicAddresses = [
    '8.8.8.8',
    '93.184.216.34',
    '1.1.1.1',
    '100.63.255.255', // just below 100.64/10
    '100.128.0.0', // just above it
    '172.15.255.255', // just below 172.16/12
    '172.32.0.0', // just above it
    '169.253.255.255',
    '169.255.0.1',
    '2001:4860:4860::8888',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808', // NAT64 of 8.8.8.8
  ];

  it.each(publicAddresses)('allows public %s with or without allowPrivate', (address) => {
    expect(checkAddressAllowed(address, { allowPrivate: false })).toBeNull();
    expect(checkAddressAllowed(address, { allowPrivate: true })).toBeNull();
  });

  it.each([
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['::1', /loopback/],
    ['[::1]', /loopback/],
    ['10.0.0.1', /private/],
    ['10.255.255.255', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.10', /private/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['fc00::1', /unique-local/],
    ['fd12:3456:789a::1', /unique-local/],
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:7f00:1', /loopback/],
    ['::ffff:10.1.2.3', /private/],
    ['::ffff:0:192.168.0.1', /private/], // RFC 6145 IPv4-translated
    ['64:ff9b::a00:1', /private/], // NAT64 of 10.0.0.1
    ['64:ff9b::127.0.0.1', /loopback/],
  ])('refuses %s as %s unless allowPrivate', (address, reason) => {
    expect(checkAddressAllowed(address, { allowPrivate: false })).toMatch(reason);
    expect(checkAddressAllowed(address, { allowPrivate: false })).toMatch(/private backends are not enabled/);
    expect(checkAddressAllowed(address, { allowPrivate: true })).toBeNull();
  });

  it.each([
    ['169.254.169.254', /cloud metadata/],
    ['169.254.170.2', /cloud metadata/],
    ['100.100.100.200', /cloud metadata/],
    ['168.63.129.16', /cloud metadata/],
    ['fd00:ec2::254', /cloud metadata/],
    ['fd00:0ec2:0000:0000:0000:0000:0000:0254', /cloud metadata/],
    ['fd20:ce::254', /cloud metadata/],
    ['::ffff:169.254.169.254', /cloud metadata/],
    ['::ffff:a9fe:a9fe', /cloud metadata/],
    ['64:ff9b::169.254.169.254', /cloud metadata/],
    ['::ffff:100.100.100.200', /cloud metadata/],
    ['169.254.0.1', /link-local/],
    ['169.254.255.255', /link-local/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['febf:ffff::1', /link-local/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['::', /unspecified/],
    ['::ffff:0.0.0.0', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['ff02::1', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['240.0.0.1', /reserved/],
    ['192.0.0.192', /reserved/],
    ['192.0.2.1', /reserved/],
    ['198.18.0.1', /reserved/],
    ['2001:db8::1', /reserved/],
    ['2002:7f00:1::', /reserved/], // 6to4 wrapping 127.0.0.1
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /reserved/], // Teredo
    ['64:ff9b:1::a9fe:a9fe', /reserved/], // local-use NAT64
    ['::7f00:1', /reserved/], // deprecated IPv4-compatible ::127.0.0.1
    ['fec0::1', /reserved/], // deprecated site-local
    ['4000::1', /reserved/], // outside 2000::/3
    ['localhost', /invalid address/],
    ['2130706433', /invalid address/],
    ['0x7f.1', /invalid address/],
    ['', /invalid address/],
  ])('always refuses %s as %s', (address, reason) => {
    expect(checkAddressAllowed(address, { allowPrivate: false })).toMatch(reason);
    expect(checkAddressAllowed(address, { allowPrivate: true })).toMatch(reason);
    expect(checkAddressAllowed(address, { allowPrivate: true })).not.toMatch(/private backends/);
  });
});

describe('validateBackendUrl', () => {
  const neverCalled: LookupFn = async () => {
    throw new Error('lookup must not be called for an IP literal');
  };

  it('resolves a name and returns the normalised URL when every address is public', async () => {
    const url = await validateBackendUrl('https://Backend.Example.com/graphql', {
      allowPrivate: false,
      lookup: lookupReturning('93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'),
    });
    expect(url.href).toBe('https://backend.example.com/graphql');
  });

  it.each([
    // Encodings as WHATWG URL normalises them, classified by the address they denote.
    ['http://127.0.0.1/', /host 127\.0\.0\.1 is a loopback address/],
    ['http://2130706433/', /127\.0\.0\.1 is a loopback address/],
    ['http://0x7f000001/', /127\.0\.0\.1 is a loopback address/],
    ['http://0177.0.0.1/', /127\.0\.0\.1 is a loopback address/],
    ['http://017700000001/', /127\.0\.0\.1 is a loopback address/],
    ['http://0x7f.1/', /127\.0\.0\.1 is a loopback address/],
    ['http://127.1/', /127\.0\.0\.1 is a loopback address/],
    ['http://127%2E0.0.1/', /127\.0\.0\.1 is a loopback address/],
    ['http://\uff11\uff12\uff17.0.0.1/', /127\.0\.0\.1 is a loopback address/], // full-width digits
    ['http://[::1]:4000/', /::1 is a loopback address/],
    ['http://[::ffff:127.0.0.1]/', /::ffff:7f00:1 is a loopback address/],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', /loopback/],
    ['http://10.0.0.5:8080/', /private address/],
    ['http://0xa000005/', /10\.0\.0\.5 is a private address/],
    ['http://[fd00::5]/', /unique-local/],
    ['http://100.64.1.1/', /carrier-grade NAT/],
  ])('refuses the private literal %s unless allowPrivate (%s)', async (raw, reason) => {
    expect(await reasonOf(validateBackendUrl(raw, { allowPrivate: false, lookup: neverCalled }))).toMatch(reason);
    await expect(validateBackendUrl(raw, { allowPrivate: true, lookup: neverCalled })).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', /cloud metadata/],
    ['http://2852039166/', /169\.254\.169\.254 is a cloud metadata address/],
    ['http://0xa9fea9fe/', /cloud metadata/],
    ['http://0251.0376.0251.0376/', /cloud metadata/],
    ['http://[::ffff:169.254.169.254]/', /cloud metadata/],
    ['http://[::ffff:a9fe:a9fe]/', /cloud metadata/],
    ['http://[fd00:ec2::254]/latest/meta-data/', /cloud metadata/],
    ['http://100.100.100.200/latest/meta-data/', /cloud metadata/],
    ['http://169.254.1.1/', /link-local/],
    ['http://[fe80::1]/', /link-local/],
    ['http://0.0.0.0:4000/', /unspecified/],
    ['http://0/', /0\.0\.0\.0 is an unspecified address/],
    ['http://[::]/', /unspecified/],
    ['http://224.0.0.1/', /multicast/],
    ['http://[ff02::1]/', /multicast/],
    ['http://255.255.255.255/', /broadcast/],
    ['http://240.0.0.1/', /reserved/],
    ['http://metadata.google.internal/', /cloud metadata/],
  ])('always refuses %s (%s)', async (raw, reason) => {
    expect(await reasonOf(validateBackendUrl(raw, { allowPrivate: true, lookup: neverCalled }))).toMatch(reason);
    expect(await reasonOf(validateBackendUrl(raw, { allowPrivate: false, lookup: neverCalled }))).toMatch(reason);
  });

  it.each([
    // DNS rebinding at registration: a public-looking name whose records point inside.
    [['10.0.0.7'], false, /"api\.partner\.example" resolves to a private address/],
    [['127.0.0.1'], false, /resolves to a loopback address/],
    [['::1'], false, /resolves to a loopback address/],
    [['::ffff:192.168.1.1'], false, /resolves to a private address/],
    // Every address counts, not only the first one a client would try.
    [['93.184.216.34', '10.0.0.7'], false, /resolves to a private address/],
    [['2606:2800:220:1::1', 'fd00::1'], false, /resolves to a unique-local address/],
    [['169.254.169.254'], true, /resolves to a cloud metadata address/],
    [['93.184.216.34', '169.254.169.254'], true, /resolves to a cloud metadata address/],
    [['fe80::1'], true, /resolves to a link-local address/],
    [['0.0.0.0'], true, /resolves to an unspecified address/],
  ])('refuses a name resolving to %j (allowPrivate %s): %s', async (addresses, allowPrivate, reason) => {
    const err = await reasonOf(
      validateBackendUrl('https://api.partner.example/graphql', { allowPrivate, lookup: lookupReturning(...addresses) }),
    );
    expect(err).toMatch(reason);
    for (const address of addresses) expect(err).not.toContain(address);
  });

  it('allows a name resolving to private addresses when allowPrivate', async () => {
    const url = await validateBackendUrl('http://users.internal:4001/graphql', {
      allowPrivate: true,
      lookup: lookupReturning('10.0.0.7', 'fd00::7', '127.0.0.1'),
    });
    expect(url.host).toBe('users.internal:4001');
  });

  it('refuses a name that does not resolve, keeping the DNS error as cause', async () => {
    const err = await validateBackendUrl('https://nowhere.example/', { allowPrivate: false, lookup: failingLookup }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BackendUrlError);
    expect((err as BackendUrlError).reason).toBe('The backend URL host "nowhere.example" could not be resolved.');
    expect((err as BackendUrlError).cause).toMatchObject({ code: 'ENOTFOUND' });
  });

  it('refuses a name that resolves to nothing', async () => {
    expect(
      await reasonOf(validateBackendUrl('https://empty.example/', { allowPrivate: true, lookup: lookupReturning() })),
    ).toMatch(/could not be resolved/);
  });

  it('checks syntax before resolving', async () => {
    expect(
      await reasonOf(validateBackendUrl('http://u:p@backend.example/', { allowPrivate: true, lookup: neverCalled })),
    ).toMatch(/credentials/);
  });

  it('resolves through dns.lookup by default (localhost, loopback only)', async () => {
    expect(await reasonOf(validateBackendUrl('http://localhost:4000/', { allowPrivate: false }))).toMatch(
      /"localhost" resolves to a loopback address/,
    );
    await expect(validateBackendUrl('http://localhost:4000/', { allowPrivate: true })).resolves.toBeInstanceOf(URL);
  });
});
