import type { QueryResolvers } from '../../__generated__/resolvers-types.js';

export const backends: NonNullable<QueryResolvers['backends']> = (_parent, _args, { store }) => store.listBackends();
