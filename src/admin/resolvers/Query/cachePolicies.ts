import type { QueryResolvers } from '../../__generated__/resolvers-types.js';

export const cachePolicies: NonNullable<QueryResolvers['cachePolicies']> = (_parent, _args, { store }) => store.listCachePolicies();
