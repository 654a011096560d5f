import { request, type Dispatcher } from 'undici';
import { SourceDefinitionError } from './types.js';

export interface DescriptionTransport {
  headers: Readonly<Record<string, string>>;
  dispatcher: Dispatcher;
  timeoutMs: number;
}

/**
 * POSTs one GraphQL query that describes a backend (`_service { sdl }`, introspection) and returns
 * the parsed JSON. Failures say what an admin can act on, without quoting addresses or the body.
 */
export async function askBackend(url: string, query: string, { headers, dispatcher, timeoutMs }: DescriptionTransport): Promise<unknown> {
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
    throw new SourceDefinitionError(
      signal.aborted
        ? `the backend did not answer within ${timeoutMs} ms`
        : 'the backend could not be reached (connection refused, address not allowed or DNS failure)',
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SourceDefinitionError(`the backend answered HTTP ${statusCode} with something that is not JSON`);
  }
}
