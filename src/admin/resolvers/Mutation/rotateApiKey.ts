import { badUserInput, notFound } from '../../../errors.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { announceConsumerChange } from '../../announce.js';
import { existingApiKey, issueKey } from '../../consumer-access.js';
import { parseRotateApiKeyInput } from '../../consumer-inputs.js';

export const rotateApiKey: NonNullable<MutationResolvers['rotateApiKey']> = async (_parent, { input }, context) => {
  const { id, overlapSeconds } = parseRotateApiKeyInput(input);
  const { store } = context;
  const old = await existingApiKey(store, id, 'input.id');
  if (old.revokedAt) throw badUserInput('input.id', 'the key is revoked; issue a new one with issueApiKey');
  const consumer = await store.getConsumer({ id: old.consumerId });
  if (!consumer) throw notFound('input.id', `No API key with id "${id}".`);

  // New key first: should the expiry update fail, the consumer has two working
  // keys rather than an expiring one and no replacement.
  const issued = await issueKey(context, consumer, { label: old.label, expiresAt: null });
  const overlapEnd = new Date(Date.now() + overlapSeconds * 1000);
  // Never extends the old key: one due to expire sooner keeps its date.
  if (!old.expiresAt || old.expiresAt > overlapEnd) {
    await store.setApiKeyExpiry(old.id, overlapEnd);
    await announceConsumerChange(context, { what: 'api-key', id: old.id });
  }
  return issued;
};
