import { memoize1 } from '@graphql-tools/utils';
import type { Generation } from '../graph/generation.js';
import type { SchemaVersionRecord } from '../store/types.js';

/** Describes a generation that was not stored (static supergraph mode) the way a stored schema version is. */
export const versionOfGeneration = memoize1(
  (generation: Generation): SchemaVersionRecord => ({
    version: generation.version,
    supergraphSdl: generation.supergraphSdl,
    apiSdl: generation.apiSdl,
    backendNames: [...generation.backendNames],
    composedAt: generation.composedAt,
  }),
);
