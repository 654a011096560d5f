import { notFound } from '../../../errors.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { withInputErrors } from '../../consumer-access.js';
import { parsePlanName } from '../../consumer-inputs.js';

export const deletePlan: NonNullable<MutationResolvers['deletePlan']> = async (_parent, args, { store }) => {
  const name = parsePlanName(args.name);
  const deleted = await withInputErrors(store.deletePlan(name), { 'plan-in-use': 'name' });
  if (!deleted) throw notFound('name', `No plan named "${name}".`);
  return name;
};
