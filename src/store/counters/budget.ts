import { InMemoryQuotaCounter, type QuotaDecision, type QuotaLimits } from './quota-counter.js';
import { InMemoryRateLimiter, type RateLimit, type RateLimitDecision } from './rate-limiter.js';

export interface SpendRequest {
  /** Whose budget: `consumer:<id>` or `anonymous:<address>`. */
  key: string;
  /** Cost points of the operation (at least 1); the quota also counts one request. */
  points: number;
  /** The plan's rate limit; undefined: none. */
  rate: RateLimit | undefined;
  /** The plan's quota; undefined: none. */
  quota: QuotaLimits | undefined;
  /** The caller's clock, ms since the epoch: decisions' dates are on it. */
  now: number;
}

export type SpendDecision =
  | { allowed: true; rate: RateLimitDecision | undefined; quota: QuotaDecision | undefined }
  /** The quota is used up; `rate` shows the rate budget, untouched. */
  | { allowed: false; refusedBy: 'quota'; rate: RateLimitDecision | undefined; quota: QuotaDecision }
  | { allowed: false; refusedBy: 'rate'; rate: RateLimitDecision; quota: undefined }
  /** The shared budget can't be reached and the policy is to refuse (`GATEHOUSE_REDIS_FAILURE=closed`). */
  | { allowed: false; refusedBy: 'unavailable'; rate: undefined; quota: undefined };

/**
 * A consumer's rate limit and quota, spent together: `spend` takes the points from both or from
 * neither (over the quota → refused by the quota, checked first; else over the rate → refused by
 * the rate), so a refused operation has spent nothing. One call per operation, so a shared
 * implementation needs one round trip.
 */
export interface Budget {
  spend(request: SpendRequest): Promise<SpendDecision>;
  /** The rate budget without spending it (headers of a response that spent nothing); undefined: unknown. */
  peek(key: string, rate: RateLimit, now: number): Promise<RateLimitDecision | undefined>;
}

export interface InMemoryBudgetOptions {
  /** Keys tracked at once by each counter; the least recently used beyond this are forgotten. @default 100000 */
  maxKeys?: number;
}

/**
 * Budgets in this process's memory: the single-instance default, and the local fallback of the
 * Redis budget. Quota first, then the rate, with the quota refunded when the rate refuses (as
 * before the two were one call): another operation may run between the steps, and at worst sees
 * the quota the refund is about to give back. The Redis script has no such gap.
 */
export class InMemoryBudget implements Budget {
  readonly #rate: InMemoryRateLimiter;
  readonly #quota: InMemoryQuotaCounter;

  constructor({ maxKeys = 100_000 }: InMemoryBudgetOptions = {}) {
    this.#rate = new InMemoryRateLimiter({ maxKeys });
    this.#quota = new InMemoryQuotaCounter({ maxKeys });
  }

  async spend({ key, points, rate, quota, now }: SpendRequest): Promise<SpendDecision> {
    const usage = { costPoints: points, requests: 1 };
    const quotaDecision = quota && (await this.#quota.consume(key, usage, quota, now));
    if (quotaDecision && !quotaDecision.allowed) {
      return { allowed: false, refusedBy: 'quota', quota: quotaDecision, rate: rate && (await this.#rate.consume(key, 0, rate, now)) };
    }
    if (!rate) return { allowed: true, rate: undefined, quota: quotaDecision };
    const rateDecision = await this.#rate.consume(key, points, rate, now);
    if (rateDecision.allowed) return { allowed: true, rate: rateDecision, quota: quotaDecision };
    if (quota) await this.#quota.refund(key, usage, quota.period, now);
    return { allowed: false, refusedBy: 'rate', rate: rateDecision, quota: undefined };
  }

  peek(key: string, rate: RateLimit, now: number): Promise<RateLimitDecision> {
    return this.#rate.consume(key, 0, rate, now);
  }
}

/** The shared budget could not be asked (store unreachable, timed out, failing over); `cause` says why. */
export class BudgetUnavailableError extends Error {
  constructor(options: { cause: unknown }) {
    super('the shared rate-limit budget is unavailable', options);
    this.name = 'BudgetUnavailableError';
  }
}
