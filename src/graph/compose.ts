import { composeServices } from '@theguild/federation-composition';
import type { CompositionErrorDetail } from '../errors.js';
import type { BuildOutcome, Subgraph } from '../sources/types.js';

/**
 * Composes subgraphs into a supergraph (Federation 2 composition). Bad input is reported, never
 * thrown. `changed` names the backend being written, so errors that mention several subgraphs are
 * attributed to the one the admin is touching.
 */
export function composeSubgraphs(subgraphs: readonly Pick<Subgraph, 'name' | 'url' | 'typeDefs'>[], changed?: string): BuildOutcome<{ supergraphSdl: string }> {
  if (subgraphs.length === 0) {
    return { ok: false, errors: [{ message: 'There is no backend to compose.', code: 'NO_BACKENDS', backend: null }] };
  }
  const result = composeServices(subgraphs.map(({ name, url, typeDefs }) => ({ name, url, typeDefs })));
  if (result.errors) {
    const names = subgraphs.map((subgraph) => subgraph.name);
    return {
      ok: false,
      errors: result.errors.map(
        (error): CompositionErrorDetail => ({
          message: error.message,
          code: typeof error.extensions.code === 'string' ? error.extensions.code : 'COMPOSITION_ERROR',
          backend: backendNamedIn(error.message, names, changed),
        }),
      ),
    };
  }
  return { ok: true, value: { supergraphSdl: result.supergraphSdl } };
}

/** Composition messages name subgraphs as `subgraph "x"`, `subgraphs "x" and "y"` or `[x]`. */
function backendNamedIn(message: string, names: readonly string[], changed: string | undefined): string | null {
  const mentioned = names.filter((name) => message.includes(`"${name}"`) || message.includes(`[${name}]`));
  if (changed && mentioned.includes(changed)) return changed;
  return mentioned[0] ?? null;
}
