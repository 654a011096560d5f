import { request, type Dispatcher } from 'undici';

export interface DescriptionTransport {
  headers: Readonly<Record<string, string>>;
  dispatcher: Dispatcher;
  timeoutMs: number;
}

/** How a backend is asked for its description: its own headers and timeout, through the guarded pool. */
export function describeTransport(backend: { headers: Readonly<Record<string, string>>; timeoutMs: number | null }, runtime: { dispatcher: Dispatcher; defaultTimeoutMs: number }): DescriptionTransport {
  return { headers: backend.headers, dispatcher: runtime.dispatcher, timeoutMs: backend.timeoutMs ?? runtime.defaultTimeoutMs };
}

/** A fetch of a backend's description: the value, or what went wrong in words an admin can act on. */
export type Fetched<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * POSTs one GraphQL query that describes a backend (`_service { sdl }`, introspection) and returns
 * the parsed JSON. Failures say what an admin can act on, without quoting addresses or the body.
 */
export async function askBackend(url: string, query: string, { headers, dispatcher, timeoutMs }: DescriptionTransport): Promise<Fetched<unknown>> {
  const signal = AbortSignal.timeout(timeoutMs);
  let statusCode: number;
  let text: string;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
      dispatcher,
      signal,
    });
    statusCode = response.statusCode;
    text = await response.body.text();
  } catch {
    return {
      ok: false,
      message: signal.aborted
        ? `the backend did not answer within ${timeoutMs} ms`
        : 'the backend could not be reached (connection refused, address not allowed or DNS failure)',
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, message: `the backend answered HTTP ${statusCode} with something that is not JSON` };
  }
}
