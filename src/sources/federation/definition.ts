import { z } from 'zod';
import { backendBase, type BackendColumns } from '../backend-base.js';
import { sdlText } from '../fields.js';

/** An Apollo Federation (v1 or v2) subgraph: composed as it describes itself. */
export const federationBackend = backendBase.extend({
  kind: z.literal('FEDERATION_SUBGRAPH'),
  sdl: sdlText,
  sdlSource: z.enum(['INTROSPECTED', 'INLINE']),
});
export type FederationBackend = z.infer<typeof federationBackend>;

export const federationRegisterFields = z.object({ sdl: sdlText.nullish() });
export const federationUpdateFields = z.object({ sdl: sdlText.nullish(), refetchSdl: z.boolean().nullish() }).refine(
  (input) => !(input.sdl != null && input.refetchSdl),
  { path: ['refetchSdl'], message: 'cannot be combined with sdl' },
);

export function federationFromColumns(columns: BackendColumns): unknown {
  return {
    name: columns.name,
    kind: columns.kind,
    url: columns.url,
    headers: columns.headers,
    forwardHeaders: columns.forwardHeaders,
    timeoutMs: columns.timeoutMs,
    maxResponseBytes: columns.maxResponseBytes,
    sdl: columns.sdl,
    sdlSource: columns.sdlSource,
  };
}

export function federationToColumns(backend: FederationBackend): BackendColumns {
  return { ...backend, openapiDocument: null, options: {} };
}
