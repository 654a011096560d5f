import { askBackend, type DescriptionTransport } from '../ask-backend.js';
import { SourceDefinitionError } from '../types.js';

/** Asks a federation subgraph for its SDL (`_service { sdl }`, Federation spec). */
export async function fetchSubgraphSdl(url: string, transport: DescriptionTransport): Promise<string> {
  const payload = (await askBackend(url, 'query GatehouseServiceSdl { _service { sdl } }', transport)) as {
    data?: { _service?: { sdl?: unknown } };
  } | null;
  const sdl = payload?.data?._service?.sdl;
  if (typeof sdl !== 'string' || sdl.trim() === '') {
    throw new SourceDefinitionError('the backend is not a federation subgraph: `_service { sdl }` returned no SDL; give the SDL inline');
  }
  return sdl;
}
