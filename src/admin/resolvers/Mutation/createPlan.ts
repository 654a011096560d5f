import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { announceConsumerChange } from '../../announce.js';
import { withInputErrors } from '../../consumer-access.js';
import { parseCreatePlanInput } from '../../consumer-inputs.js';

export const createPlan: NonNullable<MutationResolvers['createPlan']> = async (_parent, { input }, context) => {
  const plan = await withInputErrors(context.store.createPlan(parseCreatePlanInput(input)), { 'name-taken': 'input.name' });
  // The anonymous plan may have been looked up before it existed, and "not found" is cached.
  await announceConsumerChange(context, { what: 'plan', id: plan.id, name: plan.name });
  return plan;
};
