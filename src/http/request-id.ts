import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

// Ids from callers are kept only when short and plain, so they can't inject into logs.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const incoming = headers['x-request-id'];
  return typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
}
