import { trustedDocumentHash } from '../../../consumers/trusted-documents.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { parseTrustedDocuments } from '../../consumer-inputs.js';

export const addTrustedDocuments: NonNullable<MutationResolvers['addTrustedDocuments']> = async (_parent, args, { store }) => {
  const documents = parseTrustedDocuments(args.documents).map((document) => ({ hash: trustedDocumentHash(document), document }));
  const added = await store.addTrustedDocuments(documents);
  return added.map((record) => record.hash);
};
