import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { parsePurgeTarget } from '../../cache-inputs.js';

export const purgeResponseCache: NonNullable<MutationResolvers['purgeResponseCache']> = async (_parent, args, { served, responseCache }) => {
  const target = parsePurgeTarget(args, served.current);
  if (!responseCache) return 0;
  switch (target.scope) {
    case 'all':
      return responseCache.purgeAll();
    case 'type':
      return responseCache.purgeType(target.typeName);
    case 'entity':
      return responseCache.purgeEntity(target.typeName, target.canonicalKeys);
  }
};
