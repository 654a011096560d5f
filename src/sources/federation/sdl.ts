import { askBackend, type DescriptionTransport, type Fetched } from '../ask-backend.js';

/** Asks a federation subgraph for its SDL (`_service { sdl }`, Federation spec). */
export async function fetchSubgraphSdl(url: string, transport: DescriptionTransport): Promise<Fetched<string>> {
  const answer = await askBackend(url, 'query GatehouseServiceSdl { _service { sdl } }', transport);
  if (!answer.ok) return answer;
  const sdl = (answer.value as { data?: { _service?: { sdl?: unknown } } } | null)?.data?._service?.sdl;
  if (typeof sdl !== 'string' || sdl.trim() === '') {
    return { ok: false, message: 'the backend is not a federation subgraph: `_service { sdl }` returned no SDL; give the SDL inline' };
  }
  return { ok: true, value: sdl };
}
