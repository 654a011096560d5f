import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { parseSetCachePolicyInput } from '../../cache-inputs.js';

export const setCachePolicy: NonNullable<MutationResolvers['setCachePolicy']> = async (_parent, { input }, { store, served, responseCache }) => {
  const policy = await store.setCachePolicy(parseSetCachePolicyInput(input, served.current));
  await responseCache?.policiesChanged();
  return policy;
};
