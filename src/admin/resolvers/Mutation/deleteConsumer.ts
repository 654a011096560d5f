import { notFound } from '../../../errors.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { parseConsumerName } from '../../consumer-inputs.js';

export const deleteConsumer: NonNullable<MutationResolvers['deleteConsumer']> = async (_parent, args, { store }) => {
  const name = parseConsumerName(args.name);
  if (!(await store.deleteConsumer(name))) throw notFound('name', `No consumer named "${name}".`);
  return name;
};
