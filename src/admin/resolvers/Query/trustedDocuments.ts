import type { QueryResolvers } from '../../__generated__/resolvers-types.js';

export const trustedDocuments: NonNullable<QueryResolvers['trustedDocuments']> = (_parent, _args, { store }) =>
  store.listTrustedDocuments();
