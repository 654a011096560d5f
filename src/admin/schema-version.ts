import { memoize1 } from '@graphql-tools/utils';
import { printSchema } from 'graphql';
import type { Generation } from '../graph/generation.js';
import type { SchemaVersionRecord } from '../store/types.js';

const JOIN_GRAPH_NAME = /@join__graph\(name:\s*"([^"]+)"/g;

/**
 * Describes a generation that was not stored (static supergraph mode) the way
 * a stored schema version is described. Printed once per generation.
 */
export const versionOfGeneration = memoize1(
  (generation: Generation): SchemaVersionRecord => ({
    version: generation.version,
    supergraphSdl: generation.supergraphSdl,
    apiSdl: printSchema(generation.schema),
    backendNames: [...generation.supergraphSdl.matchAll(JOIN_GRAPH_NAME)].map((match) => match[1]!),
    composedAt: generation.composedAt,
  }),
);
