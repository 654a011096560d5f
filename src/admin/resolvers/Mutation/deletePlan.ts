import { notFound } from '../../../errors.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { announceConsumerChange } from '../../announce.js';
import { withInputErrors } from '../../consumer-access.js';
import { parsePlanName } from '../../consumer-inputs.js';

export const deletePlan: NonNullable<MutationResolvers['deletePlan']> = async (_parent, args, context) => {
  const name = parsePlanName(args.name);
  const deleted = await withInputErrors(context.store.deletePlan(name), { 'plan-in-use': 'name' });
  if (!deleted) throw notFound('name', `No plan named "${name}".`);
  // The anonymous plan may be this one: it must stop being served.
  await announceConsumerChange(context, { what: 'plan', name });
  return name;
};
