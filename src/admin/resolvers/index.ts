import { GraphQLScalarType, Kind } from 'graphql';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { checkBackend } from './Mutation/checkBackend.js';
import { registerBackend } from './Mutation/registerBackend.js';
import { removeBackend } from './Mutation/removeBackend.js';
import { updateBackend } from './Mutation/updateBackend.js';
import { backend } from './Query/backend.js';
import { backends } from './Query/backends.js';
import { schema } from './Query/schema.js';
import { schemaVersions } from './Query/schemaVersions.js';
import { Backend, SchemaVersion } from './types.js';

const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (value) => (value as Date).toISOString(),
  parseValue: (value) => new Date(String(value)),
  parseLiteral: (ast) => new Date(ast.kind === Kind.STRING ? ast.value : Number.NaN),
});

export const resolvers: Resolvers = {
  DateTime,
  Query: { backends, backend, schema, schemaVersions },
  Mutation: { registerBackend, updateBackend, removeBackend, checkBackend },
  Backend,
  SchemaVersion,
};
