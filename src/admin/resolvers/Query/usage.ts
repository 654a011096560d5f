import type { QueryResolvers } from '../../__generated__/resolvers-types.js';
import { parseUsageArgs } from '../../usage-inputs.js';
import { usageReportView } from '../../usage-views.js';

export const usage: NonNullable<QueryResolvers['usage']> = async (_parent, args, context) =>
  usageReportView(await context.usage.analytics.usage(parseUsageArgs(args)));
