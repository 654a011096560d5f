import { notFound } from '../../../errors.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { announceConsumerChange } from '../../announce.js';
import { parseTrustedDocumentHash } from '../../consumer-inputs.js';

export const removeTrustedDocument: NonNullable<MutationResolvers['removeTrustedDocument']> = async (_parent, args, context) => {
  const hash = parseTrustedDocumentHash(args.hash);
  if (!(await context.store.removeTrustedDocument(hash))) throw notFound('hash', `No trusted document with hash "${hash}".`);
  await announceConsumerChange(context, { what: 'trusted-document', id: hash });
  return hash;
};
