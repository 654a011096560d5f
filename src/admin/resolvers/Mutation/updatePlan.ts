import { notFound } from '../../../errors.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { parseUpdatePlanInput } from '../../consumer-inputs.js';

export const updatePlan: NonNullable<MutationResolvers['updatePlan']> = async (_parent, { input }, { store }) => {
  const { name, patch } = parseUpdatePlanInput(input);
  const plan = await store.updatePlan(name, patch);
  if (!plan) throw notFound('input.name', `No plan named "${name}".`);
  return plan;
};
