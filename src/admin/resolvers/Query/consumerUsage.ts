import { StoreError } from '../../../store/store-error.js';
import { quotaPeriodBounds } from '../../../usage/index.js';
import type { QueryResolvers } from '../../__generated__/resolvers-types.js';
import { parseConsumerName } from '../../consumer-inputs.js';

const remaining = (limit: number | null, used: number) => (limit === null ? null : Math.max(0, limit - used));

export const consumerUsage: NonNullable<QueryResolvers['consumerUsage']> = async (_parent, args, { store, usage }) => {
  const name = parseConsumerName(args.name);
  const consumer = await store.getConsumer({ name });
  if (!consumer) return null;
  const plan = await store.getPlan({ id: consumer.planId });
  if (!plan) throw new StoreError(`Consumer "${consumer.name}" has no plan in the store.`);
  const now = usage.now();
  const { startMs, endMs } = quotaPeriodBounds(plan.quotaPeriod, now);
  const [spent, budget] = await Promise.all([
    usage.analytics.totals({ consumer: consumer.name }, startMs),
    usage.rateLimitBudget?.(consumer.id, plan),
  ]);
  const hasQuota = plan.quotaRequests !== null || plan.quotaCostPoints !== null;
  return {
    consumer,
    plan,
    period: { start: new Date(startMs), end: new Date(endMs), requests: spent.requests, errors: spent.errors, costSum: spent.costSum },
    quota: hasQuota
      ? {
          period: plan.quotaPeriod,
          resetAt: new Date(endMs),
          requestsUsed: spent.charged,
          requestsLimit: plan.quotaRequests,
          requestsRemaining: remaining(plan.quotaRequests, spent.charged),
          costPointsUsed: spent.points,
          costPointsLimit: plan.quotaCostPoints,
          costPointsRemaining: remaining(plan.quotaCostPoints, spent.points),
        }
      : null,
    rateLimit: budget ?? null,
  };
};
