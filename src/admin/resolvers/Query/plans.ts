import type { QueryResolvers } from '../../__generated__/resolvers-types.js';

export const plans: NonNullable<QueryResolvers['plans']> = (_parent, _args, { store }) => store.listPlans();
