import { notFound } from '../../../errors.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { announceConsumerChange } from '../../announce.js';
import { parseApiKeyId } from '../../consumer-inputs.js';

export const revokeApiKey: NonNullable<MutationResolvers['revokeApiKey']> = async (_parent, args, context) => {
  const id = parseApiKeyId(args.id);
  const key = await context.store.revokeApiKey(id);
  if (!key) throw notFound('id', `No API key with id "${id}".`);
  context.log.info({ prefix: key.prefix }, 'API key revoked');
  await announceConsumerChange(context, { what: 'api-key', id: key.id });
  return key;
};
