import { notFound } from '../../../errors.js';
import type { MutationResolvers } from '../../__generated__/resolvers-types.js';
import { parseCoordinate } from '../../cache-inputs.js';

export const removeCachePolicy: NonNullable<MutationResolvers['removeCachePolicy']> = async (_parent, args, { store, responseCache }) => {
  const coordinate = parseCoordinate(args.coordinate);
  if (!(await store.removeCachePolicy(coordinate))) throw notFound('coordinate', `No cache policy for "${coordinate}".`);
  await responseCache?.policiesChanged();
  return coordinate;
};
