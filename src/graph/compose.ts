import { composeServices } from '@theguild/federation-composition';
import { parse, type GraphQLError } from 'graphql';
import type { CompositionErrorDetail } from '../errors.js';

export interface ComposableBackend {
  name: string;
  url: string;
  sdl: string;
}

export type CompositionOutcome =
  | { ok: true; supergraphSdl: string; apiSdl: string }
  | { ok: false; errors: CompositionErrorDetail[] };

/**
 * Composes backends into a supergraph. Bad input is reported, never thrown:
 * an SDL that does not parse is a composition error naming its backend.
 * `changed` names the backend being written, so errors that mention several
 * backends are attributed to the one the admin is touching.
 */
export function composeBackends(backends: readonly ComposableBackend[], changed?: string): CompositionOutcome {
  const services = [];
  const parseErrors: CompositionErrorDetail[] = [];
  for (const backend of backends) {
    try {
      services.push({ name: backend.name, url: backend.url, typeDefs: parse(backend.sdl) });
    } catch (error) {
      parseErrors.push({
        message: `The SDL of "${backend.name}" does not parse: ${(error as GraphQLError).message}`,
        code: 'INVALID_GRAPHQL',
        backend: backend.name,
      });
    }
  }
  if (parseErrors.length) return { ok: false, errors: parseErrors };
  if (services.length === 0) {
    return { ok: false, errors: [{ message: 'There is no backend to compose.', code: 'NO_BACKENDS', backend: null }] };
  }

  const result = composeServices(services);
  if (result.errors) {
    const names = backends.map((backend) => backend.name);
    return {
      ok: false,
      errors: result.errors.map((error) => ({
        message: error.message,
        code: typeof error.extensions.code === 'string' ? error.extensions.code : 'COMPOSITION_ERROR',
        backend: backendNamedIn(error.message, names, changed),
      })),
    };
  }
  return { ok: true, supergraphSdl: result.supergraphSdl, apiSdl: result.publicSdl };
}

/** Composition messages name subgraphs as `subgraph "x"`, `subgraphs "x" and "y"` or `[x]`. */
function backendNamedIn(message: string, names: readonly string[], changed: string | undefined): string | null {
  const mentioned = names.filter((name) => message.includes(`"${name}"`) || message.includes(`[${name}]`));
  if (changed && mentioned.includes(changed)) return changed;
  return mentioned[0] ?? null;
}
