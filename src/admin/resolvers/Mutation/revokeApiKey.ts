import { notFound } from '../../../errors.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { parseApiKeyId } from '../../consumer-inputs.js';

export const revokeApiKey: NonNullable<MutationResolvers['revokeApiKey']> = async (_parent, args, { store, log }) => {
  const id = parseApiKeyId(args.id);
  const key = await store.revokeApiKey(id);
  if (!key) throw notFound('id', `No API key with id "${id}".`);
  log.info({ prefix: key.prefix }, 'API key revoked');
  return key;
};
