import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { isDocumentUrl } from '../../../sources/index.js';
import { parseRegisterBackendInput } from '../../inputs.js';
import { writableRegistry } from '../../registry-access.js';

export const registerBackend: NonNullable<MutationResolvers['registerBackend']> = async (_parent, { input }, context) => {
  const registry = writableRegistry(context);
  const definition = parseRegisterBackendInput(input);
  await context.validateBackendUrl(definition.url);
  if (definition.openapi && isDocumentUrl(definition.openapi)) await context.validateBackendUrl(definition.openapi.trim(), 'input.openapi');
  return registry.register(definition);
};
