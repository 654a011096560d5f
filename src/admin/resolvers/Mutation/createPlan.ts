import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { withInputErrors } from '../../consumer-access.js';
import { parseCreatePlanInput } from '../../consumer-inputs.js';

export const createPlan: NonNullable<MutationResolvers['createPlan']> = (_parent, { input }, { store }) =>
  withInputErrors(store.createPlan(parseCreatePlanInput(input)), { 'name-taken': 'input.name' });
