import { notFound } from '../../../errors.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { announceConsumerChange } from '../../announce.js';
import { referencedPlan, withInputErrors } from '../../consumer-access.js';
import { parseUpdateConsumerInput } from '../../consumer-inputs.js';

export const updateConsumer: NonNullable<MutationResolvers['updateConsumer']> = async (_parent, { input }, context) => {
  const { store } = context;
  const { name, plan: planName, disabled } = parseUpdateConsumerInput(input);
  const planId = planName === undefined ? undefined : (await referencedPlan(store, planName, 'input.plan')).id;
  const consumer = await withInputErrors(store.updateConsumer(name, { planId, disabled }), { 'plan-missing': 'input.plan' });
  if (!consumer) throw notFound('input.name', `No consumer named "${name}".`);
  await announceConsumerChange(context, { what: 'consumer', id: consumer.id, name: consumer.name });
  return consumer;
};
