import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { referencedPlan, withInputErrors } from '../../consumer-access.js';
import { parseCreateConsumerInput } from '../../consumer-inputs.js';

export const createConsumer: NonNullable<MutationResolvers['createConsumer']> = async (_parent, { input }, { store }) => {
  const { name, plan: planName } = parseCreateConsumerInput(input);
  const plan = await referencedPlan(store, planName, 'input.plan');
  return withInputErrors(store.createConsumer({ name, planId: plan.id, disabled: false }), {
    'name-taken': 'input.name',
    // The plan was deleted between the lookup and the insert.
    'plan-missing': 'input.plan',
  });
};
