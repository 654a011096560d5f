import { badUserInput } from '../../../errors.js';
import type { QueryResolvers } from '../../__generated__/resolvers-types.js';

export const schemaVersions: NonNullable<QueryResolvers['schemaVersions']> = async (_parent, { limit }, { store }) => {
  const count = limit ?? 20;
  if (!Number.isInteger(count) || count < 1 || count > 100) throw badUserInput('limit', 'must be between 1 and 100');
  return store.listSchemaVersions(count);
};
