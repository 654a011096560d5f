import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { isDocumentUrl } from '../../../sources/index.js';
import { parseRegisterBackendInput } from '../../inputs.js';
import { writableRegistry } from '../../registry-access.js';

export const checkBackend: NonNullable<MutationResolvers['checkBackend']> = async (_parent, { input }, context) => {
  const registry = writableRegistry(context);
  const definition = parseRegisterBackendInput(input);
  await context.validateBackendUrl(definition.url);
  if (definition.openapi && isDocumentUrl(definition.openapi)) await context.validateBackendUrl(definition.openapi.trim(), 'input.openapi');
  const result = await registry.check(definition);
  return { ...result, breaking: result.changes.some((change) => change.criticality === 'BREAKING') };
};
