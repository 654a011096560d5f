import type { ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { quotaExceeded, rateLimited, rateLimitUnavailable } from '../../errors.js';
import type { PlanRecord } from '../../consumers/types.js';
import type { ConsumerIdentity, GatehouseContext } from '../context.js';
import { operationCost } from '../cost/request-cost.js';
import { InMemoryBudget, type Budget } from '../../store/counters/budget.js';
import type { RateLimitDecision } from '../../store/counters/rate-limiter.js';

export interface RateLimitOptions {
  /** Rate limits and quotas per consumer, spent together. @default an `InMemoryBudget` (per instance) */
  budget?: Budget;
  /** Clock in ms since the epoch (tests inject one). @default Date.now */
  now?: () => number;
}

/**
 * Spends the consumer's plan budgets on each operation: the quota of its
 * period (cost points and requests, UTC day or month) and the rate limit
 * (cost points per window, GCRA), in one `spend` of the budget. An operation
 * spends its static cost, and at least 1 point, so free operations are still
 * counted. Nothing is spent by a refused operation: over the quota → 429
 * `QUOTA_EXCEEDED`; over the rate → 429 `RATE_LIMITED`, both with `Retry-After`;
 * a shared budget that can't be reached under the `closed` policy → 503
 * `RATE_LIMIT_UNAVAILABLE`. Every /graphql response of a rate-limited consumer
 * carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
 * (draft-ietf-httpapi-ratelimit-headers) when the budget is known.
 */
export function useRateLimit({ budget = new InMemoryBudget(), now = Date.now }: RateLimitOptions = {}): Plugin<GatehouseContext> {
  // The last rate decision of each HTTP request (a batch holds several operations), for its headers.
  const decisions = new WeakMap<Request, { limit: number; decision: RateLimitDecision }>();

  async function spend(args: ExecutionArgs): Promise<void> {
    const context = args.contextValue as GatehouseContext;
    const { consumer } = context;
    if (!consumer) return;
    const { plan } = consumer;
    const hasQuota = plan.quotaCostPoints !== null || plan.quotaRequests !== null;
    if (!hasQuota && !hasRateLimit(plan)) return;
    const at = now();
    const decision = await budget.spend({
      key: limiterKey(consumer, context),
      points: Math.max(1, operationCost(context) ?? 1),
      rate: hasRateLimit(plan) ? rateOf(plan) : undefined,
      quota: hasQuota ? { period: plan.quotaPeriod, costPoints: plan.quotaCostPoints, requests: plan.quotaRequests } : undefined,
      now: at,
    });
    if (decision.rate && context.request) decisions.set(context.request, { limit: plan.rateLimitPoints!, decision: decision.rate });
    if (decision.allowed) return;
    switch (decision.refusedBy) {
      case 'quota': {
        const { quota } = decision;
        throw quotaExceeded(plan.quotaPeriod === 'DAY' ? 'day' : 'month', {
          limit: quota.exceeded === 'requests' ? plan.quotaRequests! : plan.quotaCostPoints!,
          resetAt: quota.resetAt,
          retryAfterSeconds: Math.max(1, Math.ceil((quota.resetAt.getTime() - at) / 1_000)),
        });
      }
      case 'rate': {
        const { retryAfterSeconds } = decision.rate;
        throw rateLimited({ limit: plan.rateLimitPoints!, resetAt: new Date(at + retryAfterSeconds * 1_000), retryAfterSeconds });
      }
      case 'unavailable':
        throw rateLimitUnavailable();
    }
  }

  /** Responses that spent nothing (refused earlier, or failed validation) still show the budget. */
  async function currentBudget(consumer: ConsumerIdentity, context: Partial<GatehouseContext>) {
    const { plan } = consumer;
    if (!hasRateLimit(plan)) return undefined;
    const decision = await budget.peek(limiterKey(consumer, context), rateOf(plan), now());
    return decision && { limit: plan.rateLimitPoints, decision };
  }
  return {
    onExecute: ({ args }) => spend(args),
    onSubscribe: ({ args }) => spend(args),
    // Synchronous when this request spent: only a response that spent nothing reads the budget.
    onResponse({ request, response, serverContext }) {
      // For a single operation Yoga's context is the server context, so the consumer is on it.
      const context = serverContext as Partial<GatehouseContext>;
      const spent = decisions.get(request);
      if (spent) return setBudgetHeaders(response, spent, now());
      if (!context.consumer) return;
      return currentBudget(context.consumer, context).then((budget) => budget && setBudgetHeaders(response, budget, now()));
    },
  };
}

function setBudgetHeaders(response: Response, { limit, decision }: { limit: number; decision: { remaining: number; resetAt: Date } }, nowMs: number): void {
  response.headers.set('RateLimit-Limit', String(limit));
  response.headers.set('RateLimit-Remaining', String(decision.remaining));
  response.headers.set('RateLimit-Reset', String(Math.max(0, Math.ceil((decision.resetAt.getTime() - nowMs) / 1_000))));
}

function hasRateLimit(plan: PlanRecord): plan is PlanRecord & { rateLimitPoints: number } {
  return plan.rateLimitPoints !== null;
}

function rateOf(plan: PlanRecord & { rateLimitPoints: number }) {
  return { limit: plan.rateLimitPoints, windowSeconds: plan.rateLimitWindowSeconds };
}

/**
 * A consumer's rate-limit budget right now, read without spending (for the admin API's
 * `consumerUsage`): the shared one when the budget is on Redis. Undefined when its plan has no rate
 * limit, or the budget can't say (Redis unreachable).
 */
export async function readRateLimitBudget(
  budget: Budget,
  consumerId: string,
  plan: PlanRecord,
  now: number,
): Promise<{ limit: number; windowSeconds: number; decision: RateLimitDecision } | undefined> {
  if (!hasRateLimit(plan)) return undefined;
  const decision = await budget.peek(consumerKey(consumerId), rateOf(plan), now);
  return decision && { limit: plan.rateLimitPoints, windowSeconds: plan.rateLimitWindowSeconds, decision };
}

const consumerKey = (consumerId: string) => `consumer:${consumerId}`;

/** One budget per consumer; anonymous callers share the anonymous plan but each address has its own budget. */
function limiterKey(consumer: ConsumerIdentity, context: Partial<GatehouseContext>): string {
  return consumer.consumerId !== null ? consumerKey(consumer.consumerId) : `anonymous:${context.clientAddress ?? 'unknown'}`;
}
