import type { IncomingHttpHeaders } from 'node:http';
import ipaddr from 'ipaddr.js';

export interface ClientAddressOptions {
  /** CIDRs of the proxies (load balancers) whose forwarding header is believed. @default [] (none) */
  trustedProxies?: readonly string[];
  /**
   * The header those proxies write. One only: a proxy that writes one passes the other through
   * untouched, so believing both would believe whatever a client put in the other. @default 'x-forwarded-for'
   */
  header?: 'x-forwarded-for' | 'forwarded';
}

/** The caller's address from the connection's peer address and the request's headers. */
export type ClientAddressResolver = (peer: string | undefined, headers: IncomingHttpHeaders) => string | undefined;

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * The client address anonymous budgets are keyed on. Without trusted proxies it is the peer's.
 * Otherwise the chain of the forwarding header is walked from the right, starting at the peer:
 * while the address at hand is a trusted proxy, the hop it reported (the entry to its left) is
 * believed; the first untrusted address is the client. Entries left of it were written by the
 * client itself and are never read. An entry a trusted proxy wrote that is not an address
 * (`unknown`, an obfuscated `_name`) stops the walk at that proxy. Addresses are normalised
 * (`::ffff:10.0.0.1` → `10.0.0.1`, IPv6 compressed), so one caller can't spell its way to a
 * second budget.
 */
export function createClientAddressResolver({ trustedProxies = [], header = 'x-forwarded-for' }: ClientAddressOptions = {}): ClientAddressResolver {
  const ranges = trustedProxies.map((cidr) => ipaddr.parseCIDR(cidr));
  const isTrusted = (address: Address) => ranges.some(([network, bits]) => address.kind() === network.kind() && address.match(network, bits));
  const hopsOf = header === 'forwarded' ? forwardedFor : xForwardedFor;

  return (peer, headers) => {
    const peerAddress = parseAddress(peer);
    if (!peerAddress) return peer;
    let current = peerAddress;
    if (!isTrusted(current)) return current.toString();
    const hops = hopsOf(headerValue(headers[header]));
    for (let i = hops.length - 1; i >= 0 && isTrusted(current); i--) {
      const hop = parseAddress(hops[i]);
      if (!hop) break;
      current = hop;
    }
    return current.toString();
  };
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/** `X-Forwarded-For: client, proxy1, proxy2`: each proxy appends the address it received from. */
export function xForwardedFor(value: string): Array<string | undefined> {
  return value.split(',').map((entry) => entry.trim()).filter(Boolean);
}

/**
 * RFC 7239 `Forwarded: for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"`: the `for` of each
 * element, in order; undefined for an element without one. Commas and semicolons inside quoted
 * strings don't split.
 */
export function forwardedFor(value: string): Array<string | undefined> {
  const hops: Array<string | undefined> = [];
  for (const element of splitOutsideQuotes(value, ',')) {
    if (!element.trim()) continue;
    let hop: string | undefined;
    for (const pair of splitOutsideQuotes(element, ';')) {
      const equals = pair.indexOf('=');
      if (equals > 0 && pair.slice(0, equals).trim().toLowerCase() === 'for') hop = unquote(pair.slice(equals + 1).trim());
    }
    hops.push(hop);
  }
  return hops;
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '\\' && quoted) i++;
    else if (char === '"') quoted = !quoted;
    else if (char === separator && !quoted) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

/** An address as proxies write it: bare, `1.2.3.4:port`, `[v6]` or `[v6]:port`; undefined if it is none. */
function parseAddress(entry: string | undefined): Address | undefined {
  if (!entry) return undefined;
  let text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  // Four-part IPv4 only: `127.1` and `0x7f.0.0.1` are valid to ipaddr.js, never written by a proxy.
  if (!ipaddr.IPv4.isValidFourPartDecimal(text) && !ipaddr.IPv6.isValid(text)) return undefined;
  return ipaddr.process(text);
}
