import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { isDocumentUrl } from '../../../sources/index.js';
import { parseUpdateBackendInput } from '../../inputs.js';
import { writableRegistry } from '../../registry-access.js';

export const updateBackend: NonNullable<MutationResolvers['updateBackend']> = async (_parent, { input }, context) => {
  const registry = writableRegistry(context);
  const { name, patch } = parseUpdateBackendInput(input);
  if (patch.url !== undefined) await context.validateBackendUrl(patch.url);
  if (patch.openapi && isDocumentUrl(patch.openapi)) await context.validateBackendUrl(patch.openapi.trim(), 'input.openapi');
  return registry.update(name, patch);
};
