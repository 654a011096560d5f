import type { QueryResolvers } from '../../__generated__/resolvers-types.js';

export const backend: NonNullable<QueryResolvers['backend']> = async (_parent, { name }, { store }) =>
  (await store.getBackend(name)) ?? null;
