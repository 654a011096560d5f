import type { QueryResolvers } from '../../__generated__/resolvers-types.js';

export const consumer: NonNullable<QueryResolvers['consumer']> = async (_parent, { name }, { store }) =>
  (await store.getConsumer({ name })) ?? null;
