import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { announceConsumerChange } from '../../announce.js';
import { referencedPlan, withInputErrors } from '../../consumer-access.js';
import { parseCreateConsumerInput } from '../../consumer-inputs.js';

export const createConsumer: NonNullable<MutationResolvers['createConsumer']> = async (_parent, { input }, context) => {
  const { store } = context;
  const { name, plan: planName } = parseCreateConsumerInput(input);
  const plan = await referencedPlan(store, planName, 'input.plan');
  const consumer = await withInputErrors(store.createConsumer({ name, planId: plan.id, disabled: false }), {
    'name-taken': 'input.name',
    // The plan was deleted between the lookup and the insert.
    'plan-missing': 'input.plan',
  });
  // A JWT naming it may have been answered "no such consumer", and that answer is cached.
  await announceConsumerChange(context, { what: 'consumer', id: consumer.id, name });
  return consumer;
};
