import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { parseBackendName } from '../../inputs.js';
import { answerOf, writableRegistry } from '../../registry-access.js';

export const removeBackend: NonNullable<MutationResolvers['removeBackend']> = async (_parent, args, context) => {
  const registry = writableRegistry(context);
  const name = parseBackendName(args.name);
  const { schema } = answerOf(await registry.remove(name), '');
  return { removed: name, schema: schema.apiSdl ? schema : null };
};
