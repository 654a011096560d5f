import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { parseUpdateBackendInput } from '../../inputs.js';
import { answerOf, writableRegistry } from '../../registry-access.js';
import { validateBackendUrls } from '../../validate-urls.js';

export const updateBackend: NonNullable<MutationResolvers['updateBackend']> = async (_parent, { input }, context) => {
  const registry = writableRegistry(context);
  const update = parseUpdateBackendInput(input);
  await validateBackendUrls(context, { url: update.url, openapi: input.openapi });
  return answerOf(await registry.update(update));
};
