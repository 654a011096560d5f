import { notFound } from '../../../errors.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { announceConsumerChange } from '../../announce.js';
import { parseUpdatePlanInput } from '../../consumer-inputs.js';

export const updatePlan: NonNullable<MutationResolvers['updatePlan']> = async (_parent, { input }, context) => {
  const { name, patch } = parseUpdatePlanInput(input);
  const plan = await context.store.updatePlan(name, patch);
  if (!plan) throw notFound('input.name', `No plan named "${name}".`);
  await announceConsumerChange(context, { what: 'plan', id: plan.id, name: plan.name });
  return plan;
};
