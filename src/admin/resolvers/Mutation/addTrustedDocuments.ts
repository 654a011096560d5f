import { trustedDocumentHash } from '../../../consumers/trusted-documents.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { announceConsumerChange } from '../../announce.js';
import { parseTrustedDocuments } from '../../consumer-inputs.js';

export const addTrustedDocuments: NonNullable<MutationResolvers['addTrustedDocuments']> = async (_parent, args, context) => {
  const documents = parseTrustedDocuments(args.documents).map((document) => ({ hash: trustedDocumentHash(document), document }));
  const added = await context.store.addTrustedDocuments(documents);
  // Only cached misses are stale; one event for the batch drops the (small) document cache whole.
  await announceConsumerChange(context, { what: 'trusted-document' });
  return added.map((record) => record.hash);
};
