import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * A backend URL an admin may not register. `reason` is written for the admin: it never repeats the raw
 * string (which may hold credentials) nor an address DNS returned for a name (which would let an admin
 * map the internal network), only the normalised host they typed and the kind of address it denotes.
 */
export class BackendUrlError extends Error {
  override readonly name = 'BackendUrlError';
  readonly reason: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.reason = reason;
  }
}

/** Resolves a host name to every address it has, like `dns.lookup(name, { all: true })`. */
export type LookupFn = (hostname: string) => Promise<readonly LookupAddress[]>;

export const defaultLookup: LookupFn = (hostname) => dnsLookup(hostname, { all: true });

export interface AddressPolicy {
  /** Allow loopback, RFC 1918, carrier-grade NAT and unique-local IPv6 (GATEHOUSE_ALLOW_PRIVATE_BACKENDS). */
  allowPrivate: boolean;
}

export interface ValidateBackendUrlOptions extends AddressPolicy {
  /** Resolver used for host names. @default dns.lookup with `all: true` */
  lookup?: LookupFn;
}

const MAX_URL_LENGTH = 2048;
// WHATWG URL parsing silently drops tabs and newlines and trims C0 and spaces, so the raw string is checked.
const CONTROL_OR_SPACE = /[\s\p{Cc}]/u;
const HTTP_PREFIX = /^https?:\/\//i;

// Host names that reach a cloud instance metadata service. Their addresses are refused anyway; the
// names are refused too, so a resolver or proxy with its own view of them cannot open a path.
const METADATA_HOSTNAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
]);

// Metadata endpoints outside the link-local range, refused whatever allowPrivate says.
const METADATA_ADDRESSES = [
  '169.254.169.254/32', // AWS, GCP, Azure, OpenStack, DigitalOcean (also link-local)
  '169.254.170.2/32', // AWS ECS task metadata (also link-local)
  '100.100.100.200/32', // Alibaba Cloud, inside 100.64.0.0/10
  '168.63.129.16/32', // Azure WireServer, a public-looking platform address
  'fd00:ec2::254/128', // AWS IMDS over IPv6, inside fc00::/7
  'fd20:ce::254/128', // GCP metadata on IPv6-only instances, inside fc00::/7
].map((cidr) => ipaddr.parseCIDR(cidr));

const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

const PRIVATE_SUFFIX = ' (private backends are not enabled on this gateway)';

type Verdict = { kind: 'public' } | { kind: 'private' | 'refused'; what: string };

function inRange(address: ipaddr.IPv4 | ipaddr.IPv6, [network, bits]: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  return address.kind() === network.kind() && address.match(network, bits);
}

function lastFourBytes(address: ipaddr.IPv6): ipaddr.IPv4 {
  return new ipaddr.IPv4(address.toByteArray().slice(12));
}

function classifyIPv4(address: ipaddr.IPv4): Verdict {
  switch (address.range()) {
    case 'unicast':
      return { kind: 'public' };
    case 'loopback':
      return { kind: 'private', what: 'a loopback address' };
    case 'private':
      return { kind: 'private', what: 'a private address' };
    case 'carrierGradeNat':
      return { kind: 'private', what: 'a carrier-grade NAT address' };
    case 'linkLocal':
      return { kind: 'refused', what: 'a link-local address' };
    case 'unspecified':
      return { kind: 'refused', what: 'an unspecified address' };
    case 'broadcast':
      return { kind: 'refused', what: 'a broadcast address' };
    case 'multicast':
      return { kind: 'refused', what: 'a multicast address' };
    default:
      return { kind: 'refused', what: 'a reserved address' };
  }
}

function classifyIPv6(address: ipaddr.IPv6): Verdict {
  // ipaddr's typings list fewer ranges than it returns (discard, site-local, …): unknown ones are refused.
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      // ::ffff:a.b.c.d and ::ffff:0:a.b.c.d are the IPv4 address they carry.
      return classify(lastFourBytes(address));
    case 'rfc6052':
      // DNS64 hands out 64:ff9b::/96 for IPv4-only names; the NAT64 gateway then connects to the
      // embedded address. The local-use /48 has no fixed place for it, so it is refused.
      return inRange(address, NAT64_WELL_KNOWN)
        ? classify(lastFourBytes(address))
        : { kind: 'refused', what: 'a reserved address' };
    case 'loopback':
      return { kind: 'private', what: 'a loopback address' };
    case 'uniqueLocal':
      return { kind: 'private', what: 'a unique-local address' };
    case 'linkLocal':
      return { kind: 'refused', what: 'a link-local address' };
    case 'unspecified':
      return { kind: 'refused', what: 'an unspecified address' };
    case 'multicast':
      return { kind: 'refused', what: 'a multicast address' };
    case 'unicast':
      // ipaddr calls everything outside its special ranges unicast, including unallocated space and
      // the deprecated IPv4-compatible ::a.b.c.d; only 2000::/3 is global unicast.
      return inRange(address, IPV6_GLOBAL_UNICAST) ? { kind: 'public' } : { kind: 'refused', what: 'a reserved address' };
    default:
      return { kind: 'refused', what: 'a reserved address' };
  }
}

function classify(address: ipaddr.IPv4 | ipaddr.IPv6): Verdict {
  if (METADATA_ADDRESSES.some((range) => inRange(address, range))) {
    return { kind: 'refused', what: 'a cloud metadata address' };
  }
  return address.kind() === 'ipv4' ? classifyIPv4(address as ipaddr.IPv4) : classifyIPv6(address as ipaddr.IPv6);
}

/**
 * Whether a backend may be reached at `address` (an IP literal, as DNS returns it; brackets allowed).
 * Returns null when allowed, otherwise what the address is, e.g. "a link-local address".
 */
export function checkAddressAllowed(address: string, { allowPrivate }: AddressPolicy): string | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // net.isIP, not ipaddr.isValid: ipaddr also reads "2130706433" or "0x7f.1", which never reach here
  // from WHATWG URL or DNS, and anything that is not a plain address is refused outright.
  if (isIP(bare) === 0) return 'an invalid address';
  const verdict = classify(ipaddr.parse(bare));
  if (verdict.kind === 'public') return null;
  if (verdict.kind === 'private') return allowPrivate ? null : verdict.what + PRIVATE_SUFFIX;
  return verdict.what;
}

/** Whether a host name (as in `URL.hostname`) names a cloud metadata service. */
export function isCloudMetadataHostname(hostname: string): boolean {
  return METADATA_HOSTNAMES.has(hostname.toLowerCase().replace(/\.+$/, ''));
}

/** `URL.hostname` without the brackets of an IPv6 literal. */
export function bareHostname(url: URL): string {
  const { hostname } = url;
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

/**
 * Checks what can be decided from the string alone: http(s) scheme, no credentials, no whitespace or
 * control characters, a host that is not a cloud metadata name. Returns the normalised URL, in which
 * decimal, octal and hex IPv4 forms are already dotted quads (`http://2130706433/` → `127.0.0.1`).
 */
export function validateBackendUrlSyntax(raw: string): URL {
  if (raw.length === 0) throw new BackendUrlError('The backend URL is empty.');
  if (raw.length > MAX_URL_LENGTH) {
    throw new BackendUrlError(`The backend URL is longer than ${MAX_URL_LENGTH} characters.`);
  }
  if (CONTROL_OR_SPACE.test(raw)) {
    throw new BackendUrlError('The backend URL contains whitespace or control characters.');
  }
  if (raw.includes('\\')) throw new BackendUrlError('The backend URL contains a backslash.');
  if (!HTTP_PREFIX.test(raw)) throw new BackendUrlError('The backend URL must start with http:// or https://.');

  // With backslashes gone, WHATWG ends the authority at the first / ? or #, as this does.
  const authority = raw.slice(raw.indexOf('//') + 2).split(/[/?#]/, 1)[0] ?? '';
  if (authority.includes('@')) {
    throw new BackendUrlError('The backend URL must not contain credentials (user:password@).');
  }

  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    throw new BackendUrlError('The backend URL is not a valid URL.', { cause: err });
  }
  // Unreachable after the checks above; kept so this function alone guarantees what it documents.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BackendUrlError('The backend URL must use http or https.');
  }
  if (url.username !== '' || url.password !== '') {
    throw new BackendUrlError('The backend URL must not contain credentials (user:password@).');
  }
  if (url.hostname === '') throw new BackendUrlError('The backend URL has no host.');
  if (url.port === '0') throw new BackendUrlError('The backend URL has port 0.');
  if (isCloudMetadataHostname(url.hostname)) {
    throw new BackendUrlError(`The backend URL host "${url.hostname}" is a cloud metadata service.`);
  }
  return url;
}

/**
 * Full registration check: syntax, then the host. An IP literal is checked as is; a name is resolved
 * and every address it has must be allowed, since a client may connect to any of them.
 * The guarded agent checks again at connect time: DNS may answer differently later.
 */
export async function validateBackendUrl(raw: string, options: ValidateBackendUrlOptions): Promise<URL> {
  const { lookup = defaultLookup } = options;
  const url = validateBackendUrlSyntax(raw);
  const host = bareHostname(url);

  if (isIP(host) !== 0) {
    const reason = checkAddressAllowed(host, options);
    if (reason !== null) throw new BackendUrlError(`The backend URL host ${host} is ${reason}.`);
    return url;
  }

  let addresses: readonly LookupAddress[];
  try {
    addresses = await lookup(host);
  } catch (err) {
    throw new BackendUrlError(`The backend URL host "${host}" could not be resolved.`, { cause: err });
  }
  if (addresses.length === 0) {
    throw new BackendUrlError(`The backend URL host "${host}" could not be resolved.`);
  }
  for (const { address } of addresses) {
    const reason = checkAddressAllowed(address, options);
    if (reason !== null) throw new BackendUrlError(`The backend URL host "${host}" resolves to ${reason}.`);
  }
  return url;
}
