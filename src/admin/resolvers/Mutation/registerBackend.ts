import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { parseRegisterBackendInput } from '../../inputs.js';
import { writableRegistry } from '../../registry-access.js';

export const registerBackend: NonNullable<MutationResolvers['registerBackend']> = async (_parent, { input }, context) => {
  const registry = writableRegistry(context);
  const definition = parseRegisterBackendInput(input);
  await context.validateBackendUrl(definition.url);
  return registry.register(definition);
};
