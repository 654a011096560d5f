import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { checkAddressAllowed, defaultLookup, isCloudMetadataHostname, type LookupFn } from './backend-url.js';

export interface GuardedAgentOptions {
  /** Allow loopback, RFC 1918, carrier-grade NAT and unique-local backends (GATEHOUSE_ALLOW_PRIVATE_BACKENDS). */
  allowPrivate: boolean;
  /** Time allowed for DNS, TCP and TLS set-up of one connection, in milliseconds. @default 10000 */
  connectTimeoutMs?: number;
  /** Most connections kept per backend origin. @default unlimited (undici's default) */
  connections?: number;
  /** Resolver for backend host names; tests inject one. @default dns.lookup with `all: true` */
  lookup?: LookupFn;
}

/** A connection refused because the backend's address is not allowed; raised before any socket connects. */
export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  readonly code = 'GATEHOUSE_BLOCKED_ADDRESS';

  constructor(
    /** The host the request was for (a name or an IP literal). */
    readonly hostname: string,
    /** What the address is, e.g. "a link-local address". */
    readonly reason: string,
  ) {
    super(`Connection to "${hostname}" refused: it is or resolves to ${reason}.`);
  }
}

/**
 * Whether `err` is, or was caused by, a refused backend address. Walks `cause` (undici's `fetch`
 * wraps connect errors in `TypeError: fetch failed`) and `AggregateError.errors`.
 */
export function isBlockedAddressError(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (seen.has(next) || typeof next !== 'object' || next === null) continue;
    seen.add(next);
    if (next instanceof BlockedAddressError) return true;
    if (next instanceof AggregateError) queue.push(...next.errors);
    if ('cause' in next) queue.push(next.cause);
  }
  return false;
}

function wantedFamily(family: LookupOptions['family']): 4 | 6 | null {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return null;
}

/**
 * An undici Agent for backend requests that refuses, at connect time, any address
 * `checkAddressAllowed` refuses. The check runs once per new connection, not per request:
 * keep-alive connections are reused as usual.
 *
 * Both paths to a socket are guarded. Host names go through `lookup` given to net/tls.connect, which
 * resolves, checks every address and only then lets Node connect (so DNS rebinding after
 * registration is caught). IP literals never reach `lookup` (Node connects to them directly), so the
 * connector checks them itself before calling undici's connector.
 */
export function createGuardedAgent({
  allowPrivate,
  connectTimeoutMs = 10_000,
  connections,
  lookup = defaultLookup,
}: GuardedAgentOptions): Agent {
  const policy = { allowPrivate };

  const guardedLookup: LookupFunction = (hostname, options, callback) => {
    lookup(hostname).then(
      (resolved) => {
        const family = wantedFamily(options.family);
        const addresses: LookupAddress[] = resolved.filter((a) => family === null || a.family === family);
        for (const { address } of resolved) {
          const reason = checkAddressAllowed(address, policy);
          if (reason !== null) return callback(new BlockedAddressError(hostname, reason), '');
        }
        const [first] = addresses;
        if (first === undefined) {
          const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          err.code = 'ENOTFOUND';
          return callback(err, '');
        }
        // Node asks for all addresses when it races them (autoSelectFamily), else for one.
        return options.all ? callback(null, addresses) : callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };

  const connectChecked = buildConnector({ timeout: connectTimeoutMs, lookup: guardedLookup });

  const connect: buildConnector.connector = (options, callback) => {
    const { hostname } = options;
    let reason: string | null = null;
    if (isIP(hostname) !== 0) reason = checkAddressAllowed(hostname, policy);
    else if (isCloudMetadataHostname(hostname)) reason = 'a cloud metadata service';
    if (reason === null) return connectChecked(options, callback);
    const err = new BlockedAddressError(hostname, reason);
    // Asynchronously, as a real connect would: undici's client is mid-dispatch when it calls us.
    process.nextTick(() => callback(err, null));
  };

  return new Agent({ connect, connections });
}
