import { notFound } from '../../../errors.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { announceConsumerChange } from '../../announce.js';
import { parseConsumerName } from '../../consumer-inputs.js';

export const deleteConsumer: NonNullable<MutationResolvers['deleteConsumer']> = async (_parent, args, context) => {
  const name = parseConsumerName(args.name);
  if (!(await context.store.deleteConsumer(name))) throw notFound('name', `No consumer named "${name}".`);
  // Its keys went with it: cached lookups of them carry the consumer's name.
  await announceConsumerChange(context, { what: 'consumer', name });
  return name;
};
