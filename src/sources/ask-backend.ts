import { request, type Dispatcher } from 'undici';
import { readBoundedBody } from '../net/read-bounded-body.js';

export interface DescriptionTransport {
  headers: Readonly<Record<string, string>>;
  dispatcher: Dispatcher;
  timeoutMs: number;
  /** Largest answer read, in bytes. */
  maxBytes: number;
}

interface DescribedBackend {
  headers: Readonly<Record<string, string>>;
  timeoutMs: number | null;
  maxResponseBytes: number | null;
}

/** How a backend is asked for its description: its own headers, timeout and answer limit, through the guarded pool. */
export function describeTransport(
  backend: DescribedBackend,
  runtime: { dispatcher: Dispatcher; defaultTimeoutMs: number; maxResponseBytes: number },
): DescriptionTransport {
  return {
    headers: backend.headers,
    dispatcher: runtime.dispatcher,
    timeoutMs: backend.timeoutMs ?? runtime.defaultTimeoutMs,
    maxBytes: backend.maxResponseBytes ?? runtime.maxResponseBytes,
  };
}

/** A fetch of a backend's description: the value, or what went wrong in words an admin can act on. */
export type Fetched<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * POSTs one GraphQL query that describes a backend (`_service { sdl }`, introspection) and returns
 * the parsed JSON. Failures say what an admin can act on, without quoting addresses or the body.
 */
export async function askBackend(url: string, query: string, { headers, dispatcher, timeoutMs, maxBytes }: DescriptionTransport): Promise<Fetched<unknown>> {
  const signal = AbortSignal.timeout(timeoutMs);
  const unreachable = (): Fetched<never> => ({
    ok: false,
    message: signal.aborted
      ? `the backend did not answer within ${timeoutMs} ms`
      : 'the backend could not be reached (connection refused, address not allowed or DNS failure)',
  });
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
      dispatcher,
      signal,
    });
  } catch {
    return unreachable();
  }
  const { statusCode } = response;
  const read = await readBoundedBody(response, maxBytes);
  if (!read.ok) {
    return read.reason === 'too-large'
      ? { ok: false, message: `the backend's answer is larger than ${maxBytes} bytes (the backend's maxResponseBytes)` }
      : unreachable();
  }
  try {
    return { ok: true, value: JSON.parse(read.text) as unknown };
  } catch {
    return { ok: false, message: `the backend answered HTTP ${statusCode} with something that is not JSON` };
  }
}
