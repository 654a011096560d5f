import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { parseRegisterBackendInput } from '../../inputs.js';
import { answerOf, writableRegistry } from '../../registry-access.js';
import { validateBackendUrls } from '../../validate-urls.js';

export const registerBackend: NonNullable<MutationResolvers['registerBackend']> = async (_parent, { input }, context) => {
  const registry = writableRegistry(context);
  const registration = parseRegisterBackendInput(input);
  await validateBackendUrls(context, { url: registration.url, openapi: input.openapi });
  return answerOf(await registry.register(registration));
};
