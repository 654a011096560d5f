import { LRUCache } from 'lru-cache';

export interface RateLimit {
  /** Cost points admitted per window. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Points still available after this request (before it, when refused). */
  remaining: number;
  /** When the whole budget is back if nothing more is spent: `RateLimit-Reset`. */
  resetAt: Date;
  /** Refused: seconds until this request's cost fits, rounded up (`Retry-After`). Allowed: 0. */
  retryAfterSeconds: number;
}

/**
 * Budgets of cost points per key (a consumer). `consume` is atomic: it takes
 * the points only if they all fit, and a refused request takes nothing.
 * Asynchronous because a shared (Redis) implementation will be.
 */
export interface RateLimiter {
  /** `cost` 0 reads the budget without spending it. `now` in ms since the epoch. */
  consume(key: string, cost: number, limit: RateLimit, now: number): Promise<RateLimitDecision>;
}

export interface InMemoryRateLimiterOptions {
  /** Keys tracked at once; the least recently used beyond this are forgotten (and start afresh). @default 100000 */
  maxKeys?: number;
}

/**
 * GCRA (the generic cell rate algorithm, as in redis-cell and Kong): per key
 * only the theoretical arrival time (TAT) is kept. Each point moves it by
 * `window / limit`; a request fits while TAT stays within one window of now,
 * so a full window's budget can be spent at once and comes back smoothly.
 * A key whose TAT has passed holds nothing, so idle keys are simply dropped
 * when the LRU needs room.
 */
export class InMemoryRateLimiter implements RateLimiter {
  readonly #tats: LRUCache<string, number>;

  constructor({ maxKeys = 100_000 }: InMemoryRateLimiterOptions = {}) {
    this.#tats = new LRUCache({ max: maxKeys });
  }

  consume(key: string, cost: number, { limit, windowSeconds }: RateLimit, now: number): Promise<RateLimitDecision> {
    const windowMs = windowSeconds * 1_000;
    const msPerPoint = windowMs / limit;
    const tat = Math.max(this.#tats.get(key) ?? now, now);
    const nextTat = tat + cost * msPerPoint;
    // Float steps (1000 / 3 ms per point) must not refuse a request that fits exactly.
    const fits = nextTat - now <= windowMs + 1e-6;
    if (!fits) {
      const waitMs = cost > limit ? windowMs : nextTat - windowMs - now;
      return Promise.resolve({
        allowed: false,
        remaining: pointsLeft(windowMs - (tat - now), msPerPoint),
        resetAt: new Date(Math.ceil(tat)),
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1_000)),
      });
    }
    if (cost > 0) this.#tats.set(key, nextTat);
    return Promise.resolve({
      allowed: true,
      remaining: pointsLeft(windowMs - (nextTat - now), msPerPoint),
      resetAt: new Date(Math.ceil(nextTat)),
      retryAfterSeconds: 0,
    });
  }
}

function pointsLeft(spareMs: number, msPerPoint: number): number {
  return Math.max(0, Math.floor(spareMs / msPerPoint + 1e-9));
}
