import type { Backend, BackendKind } from './backend.js';
import { federationSource } from './federation/index.js';
import { graphqlSource } from './graphql/index.js';
import { openApiSource } from './openapi/index.js';
import type { Source } from './types.js';

/** Every backend kind, behind the one `Source` seam. */
const sources: { readonly [K in BackendKind]: Source<Extract<Backend, { kind: K }>> } = {
  FEDERATION_SUBGRAPH: federationSource,
  GRAPHQL: graphqlSource,
  OPENAPI: openApiSource,
};

/** The source of a kind; typed for the union, as callers hold a `Backend` of any kind. */
export function sourceOf(kind: BackendKind): Source {
  return sources[kind] as unknown as Source;
}
