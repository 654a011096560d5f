import type { QueryResolvers } from '../../__generated__/resolvers-types.js';

export const usageRecorder: NonNullable<QueryResolvers['usageRecorder']> = (_parent, _args, { usage }) => ({
  enabled: usage.enabled,
  ...usage.recorderStatus(),
});
