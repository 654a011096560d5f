import type { QueryResolvers } from '../../__generated__/resolvers-types.js';

export const plan: NonNullable<QueryResolvers['plan']> = async (_parent, { name }, { store }) =>
  (await store.getPlan({ name })) ?? null;
