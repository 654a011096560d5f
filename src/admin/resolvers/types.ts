import type { BackendResolvers, SchemaVersionResolvers } from '../__generated__/resolvers-types.js';

export const Backend: BackendResolvers = {
  // Header values may be credentials: only their names leave the gateway.
  headerNames: (backend) => Object.keys(backend.headers),
};

export const SchemaVersion: SchemaVersionResolvers = {
  sdl: (version) => version.apiSdl,
  backends: (version) => version.backendNames,
};
