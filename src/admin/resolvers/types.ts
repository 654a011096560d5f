import type { BackendResolvers, SchemaVersionResolvers } from '../__generated__/resolvers-types.js';

export const Backend: BackendResolvers = {
  // Header values may be credentials: only their names leave the gateway.
  headerNames: (backend) => Object.keys(backend.headers),
  prefix: (backend) => backend.options.prefix ?? null,
  openapiUrl: (backend) => backend.options.openapiUrl ?? null,
  exposeErrors: (backend) => backend.options.exposeErrors ?? false,
  merge: (backend) => backend.options.merge ?? [],
  links: (backend) =>
    (backend.options.links ?? []).map((link) => ({
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
