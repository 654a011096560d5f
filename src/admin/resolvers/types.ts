import { descriptionOrigin } from '../../sources/backend.js';
import type { BackendResolvers, CachePolicyResolvers, SchemaVersionResolvers } from '../__generated__/resolvers-types.js';

export const Backend: BackendResolvers = {
  // Header values may be credentials: only their names leave the gateway.
  headerNames: (backend) => Object.keys(backend.headers),
  sdl: (backend) => (backend.kind === 'OPENAPI' ? '' : backend.sdl),
  sdlSource: (backend) => descriptionOrigin(backend),
  prefix: (backend) => (backend.kind === 'FEDERATION_SUBGRAPH' ? null : backend.prefix),
  openapiUrl: (backend) => (backend.kind === 'OPENAPI' ? backend.documentUrl : null),
  openapiDocument: (backend) => (backend.kind === 'OPENAPI' ? backend.document : null),
  exposeErrors: (backend) => backend.kind === 'OPENAPI' && backend.exposeErrors,
  merge: (backend) => (backend.kind === 'GRAPHQL' ? backend.merge : []),
  links: (backend) =>
    (backend.kind === 'FEDERATION_SUBGRAPH' ? [] : backend.links).map((link) => ({
      type: link.type,
      field: link.field,
      operation: link.operation ?? null,
      rootField: link.rootField ?? null,
      arguments: Object.entries(link.arguments).map(([name, fromField]) => ({ name, fromField })),
      batch: link.batch ?? null,
    })),
};

export const SchemaVersion: SchemaVersionResolvers = {
  sdl: (version) => version.apiSdl,
  backends: (version) => version.backendNames,
};

export const CachePolicy: CachePolicyResolvers = {
  maxAge: (policy) => policy.maxAgeSeconds,
};
