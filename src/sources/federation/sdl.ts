import { request, type Dispatcher } from 'undici';

export class SdlFetchError extends Error {
  override name = 'SdlFetchError';
}

const SERVICE_SDL_QUERY = JSON.stringify({ query: 'query GatehouseServiceSdl { _service { sdl } }' });

/**
 * Asks a federation subgraph for its SDL (`_service { sdl }`, Federation spec).
 * Errors say what went wrong in terms an admin can act on, without quoting the
 * response body.
 */
export async function fetchSubgraphSdl(
  url: string,
  { headers, dispatcher, timeoutMs }: { headers: Readonly<Record<string, string>>; dispatcher: Dispatcher; timeoutMs: number },
): Promise<string> {
  let statusCode: number;
  let text: string;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
      body: SERVICE_SDL_QUERY,
      dispatcher,
      signal,
    });
    statusCode = response.statusCode;
    text = await response.body.text();
  } catch {
    throw new SdlFetchError(
      signal.aborted
        ? `the backend did not answer within ${timeoutMs} ms`
        : 'the backend could not be reached (connection refused, address not allowed or DNS failure)',
    );
  }
  let payload: { data?: { _service?: { sdl?: unknown } } };
  try {
    payload = JSON.parse(text) as typeof payload;
  } catch {
    throw new SdlFetchError(`the backend answered HTTP ${statusCode} with something that is not JSON`);
  }
  const sdl = payload?.data?._service?.sdl;
  if (typeof sdl !== 'string' || sdl.trim() === '') {
    throw new SdlFetchError('the backend is not a federation subgraph: `_service { sdl }` returned no SDL; give the SDL inline');
  }
  return sdl;
}
