import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { parseRegisterBackendInput } from '../../inputs.js';
import { answerOf, writableRegistry } from '../../registry-access.js';
import { validateBackendUrls } from '../../validate-urls.js';

export const checkBackend: NonNullable<MutationResolvers['checkBackend']> = async (_parent, { input }, context) => {
  const registry = writableRegistry(context);
  const registration = parseRegisterBackendInput(input);
  await validateBackendUrls(context, { url: registration.url, openapi: input.openapi });
  const result = answerOf(await registry.check(registration));
  const breaking = result.changes.filter((change) => change.criticality === 'BREAKING');
  return {
    ...result,
    breaking: breaking.length > 0,
    breakingInUse: breaking.some((change) => !change.safeBecauseUnused),
  };
};
