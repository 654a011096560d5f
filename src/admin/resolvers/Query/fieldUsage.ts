import type { QueryResolvers } from '../../__generated__/resolvers-types.js';
import { parseCoordinate, parseSince } from '../../usage-inputs.js';
import { fieldUsageView } from '../../usage-views.js';

export const fieldUsage: NonNullable<QueryResolvers['fieldUsage']> = async (_parent, args, { usage }) => {
  const coordinate = parseCoordinate(args.coordinate);
  const since = parseSince(args.since) ?? new Date(usage.now() - usage.windowDays * 86_400_000);
  return fieldUsageView(coordinate, since, await usage.analytics.usedBy({ exact: [coordinate], prefixes: [] }, since.getTime()));
};
