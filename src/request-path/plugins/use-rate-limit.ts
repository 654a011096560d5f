import type { ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { quotaExceeded, rateLimited } from '../../errors.js';
import type { PlanRecord } from '../../consumers/types.js';
import type { ConsumerIdentity, GatehouseContext } from '../context.js';
import { operationCost } from '../cost/request-cost.js';
import { InMemoryQuotaCounter, type QuotaCounter } from '../limits/quota-counter.js';
import { InMemoryRateLimiter, type RateLimitDecision, type RateLimiter } from '../limits/rate-limiter.js';

export interface RateLimitOptions {
  /** Cost-point budgets per consumer. @default an `InMemoryRateLimiter` */
  limiter?: RateLimiter;
  /** Daily / monthly quota counters per consumer. @default an `InMemoryQuotaCounter` */
  quotas?: QuotaCounter;
  /** Clock in ms since the epoch (tests inject one). @default Date.now */
  now?: () => number;
}

/**
 * Spends the consumer's plan budgets on each operation: the quota of its
 * period (cost points and requests, UTC day or month) and the rate limit
 * (cost points per window, GCRA). An operation spends its static cost, and at
 * least 1 point, so free operations are still counted. Nothing is spent by a
 * refused operation: over the quota → 429 `QUOTA_EXCEEDED`; over the rate →
 * 429 `RATE_LIMITED` (the quota spent is refunded), both with `Retry-After`.
 * Every /graphql response of a rate-limited consumer carries `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` (draft-ietf-httpapi-ratelimit-headers).
 */
export function useRateLimit({
  limiter = new InMemoryRateLimiter(),
  quotas = new InMemoryQuotaCounter(),
  now = Date.now,
}: RateLimitOptions = {}): Plugin<GatehouseContext> {
  // The last rate decision of each HTTP request (a batch holds several operations), for its headers.
  const decisions = new WeakMap<Request, { limit: number; decision: RateLimitDecision }>();

  async function spend(args: ExecutionArgs): Promise<void> {
    const context = args.contextValue as GatehouseContext;
    const { consumer } = context;
    if (!consumer) return;
    const { plan } = consumer;
    const points = Math.max(1, operationCost(context) ?? 1);
    const usage = { costPoints: points, requests: 1 };
    const key = limiterKey(consumer, context);
    const at = now();

    const hasQuota = plan.quotaCostPoints !== null || plan.quotaRequests !== null;
    if (hasQuota) {
      const quota = await quotas.consume(key, usage, { period: plan.quotaPeriod, costPoints: plan.quotaCostPoints, requests: plan.quotaRequests }, at);
      if (!quota.allowed) {
        const limit = quota.exceeded === 'requests' ? plan.quotaRequests! : plan.quotaCostPoints!;
        throw quotaExceeded(plan.quotaPeriod === 'DAY' ? 'day' : 'month', {
          limit,
          resetAt: quota.resetAt,
          retryAfterSeconds: Math.max(1, Math.ceil((quota.resetAt.getTime() - at) / 1_000)),
        });
      }
    }

    if (!hasRateLimit(plan)) return;
    const limit = plan.rateLimitPoints;
    const decision = await limiter.consume(key, points, rateOf(plan), at);
    if (context.request) decisions.set(context.request, { limit, decision });
    if (!decision.allowed) {
      if (hasQuota) await quotas.refund(key, usage, plan.quotaPeriod, at);
      throw rateLimited({ limit, resetAt: new Date(at + decision.retryAfterSeconds * 1_000), retryAfterSeconds: decision.retryAfterSeconds });
    }
  }

  /** Responses that spent nothing (refused earlier, or failed validation) still show the budget. */
  async function currentBudget(consumer: ConsumerIdentity, context: Partial<GatehouseContext>) {
    const { plan } = consumer;
    if (!hasRateLimit(plan)) return undefined;
    const decision = await limiter.consume(limiterKey(consumer, context), 0, rateOf(plan), now());
    return { limit: plan.rateLimitPoints, decision };
  }

  return {
    onExecute: ({ args }) => spend(args),
    onSubscribe: ({ args }) => spend(args),
    async onResponse({ request, response, serverContext }) {
      // For a single operation Yoga's context is the server context, so the consumer is on it.
      const context = serverContext as Partial<GatehouseContext>;
      const budget = decisions.get(request) ?? (context.consumer && (await currentBudget(context.consumer, context)));
      if (!budget) return;
      const { limit, decision } = budget;
      response.headers.set('RateLimit-Limit', String(limit));
      response.headers.set('RateLimit-Remaining', String(decision.remaining));
      response.headers.set('RateLimit-Reset', String(Math.max(0, Math.ceil((decision.resetAt.getTime() - now()) / 1_000))));
    },
  };
}

function hasRateLimit(plan: PlanRecord): plan is PlanRecord & { rateLimitPoints: number } {
  return plan.rateLimitPoints !== null;
}

function rateOf(plan: PlanRecord & { rateLimitPoints: number }) {
  return { limit: plan.rateLimitPoints, windowSeconds: plan.rateLimitWindowSeconds };
}

/**
 * A consumer's rate-limit budget right now, read without spending (for the admin API's
 * `consumerUsage`); undefined when its plan has no rate limit.
 */
export async function readRateLimitBudget(
  limiter: RateLimiter,
  consumerId: string,
  plan: PlanRecord,
  now: number,
): Promise<{ limit: number; windowSeconds: number; decision: RateLimitDecision } | undefined> {
  if (!hasRateLimit(plan)) return undefined;
  const decision = await limiter.consume(consumerKey(consumerId), 0, rateOf(plan), now);
  return { limit: plan.rateLimitPoints, windowSeconds: plan.rateLimitWindowSeconds, decision };
}

const consumerKey = (consumerId: string) => `consumer:${consumerId}`;

/** One budget per consumer; anonymous callers share the anonymous plan but each address has its own budget. */
function limiterKey(consumer: ConsumerIdentity, context: Partial<GatehouseContext>): string {
  return consumer.consumerId !== null ? consumerKey(consumer.consumerId) : `anonymous:${context.clientAddress ?? 'unknown'}`;
}
