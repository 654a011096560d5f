import { notFound } from '../../../errors.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { parseTrustedDocumentHash } from '../../consumer-inputs.js';

export const removeTrustedDocument: NonNullable<MutationResolvers['removeTrustedDocument']> = async (_parent, args, { store }) => {
  const hash = parseTrustedDocumentHash(args.hash);
  if (!(await store.removeTrustedDocument(hash))) throw notFound('hash', `No trusted document with hash "${hash}".`);
  return hash;
};
