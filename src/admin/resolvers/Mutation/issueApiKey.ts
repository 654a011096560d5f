import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { existingConsumer, issueKey } from '../../consumer-access.js';
import { parseIssueApiKeyInput } from '../../consumer-inputs.js';

export const issueApiKey: NonNullable<MutationResolvers['issueApiKey']> = async (_parent, { input }, context) => {
  const { consumer: name, label, expiresAt } = parseIssueApiKeyInput(input, new Date());
  const consumer = await existingConsumer(context.store, name, 'input.consumer');
  return issueKey(context, consumer, { label, expiresAt });
};
