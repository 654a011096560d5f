import { isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import type { QueryResolvers } from '../../__generated__/resolvers-types.js';
import { parseSince } from '../../usage-inputs.js';
import { fieldUsageView } from '../../usage-views.js';

/** Deprecated output fields and their arguments: what usage records count exactly (see usage/operations.ts). */
function deprecatedCoordinates(schema: GraphQLSchema): Array<{ coordinate: string; deprecationReason: string | null }> {
  const found: Array<{ coordinate: string; deprecationReason: string | null }> = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.deprecationReason != null) found.push({ coordinate: `${type.name}.${field.name}`, deprecationReason: field.deprecationReason });
      for (const arg of field.args) {
        if (arg.deprecationReason != null) found.push({ coordinate: `${type.name}.${field.name}.${arg.name}`, deprecationReason: arg.deprecationReason });
      }
    }
  }
  return found.sort((a, b) => a.coordinate.localeCompare(b.coordinate));
}

export const deprecatedFieldUsage: NonNullable<QueryResolvers['deprecatedFieldUsage']> = async (_parent, args, { usage, served }) => {
  const since = parseSince(args.since) ?? new Date(usage.now() - usage.windowDays * 86_400_000);
  const schema = served.current?.schema;
  if (!schema) return [];
  return Promise.all(
    deprecatedCoordinates(schema).map(async ({ coordinate, deprecationReason }) => ({
      coordinate,
      deprecationReason,
      usage: fieldUsageView(coordinate, since, await usage.analytics.usedBy({ exact: [coordinate], prefixes: [] }, since.getTime())),
    })),
  );
};
