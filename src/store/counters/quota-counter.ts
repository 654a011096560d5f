import { LRUCache } from 'lru-cache';
import type { QuotaPeriod } from '../../consumers/types.js';

export interface QuotaLimits {
  period: QuotaPeriod;
  /** Cost points per period; null: unlimited. */
  costPoints: number | null;
  /** Requests per period; null: unlimited. */
  requests: number | null;
}

export interface QuotaUsage {
  costPoints: number;
  requests: number;
}

export interface QuotaDecision {
  allowed: boolean;
  /** Refused: the budget that ran out. */
  exceeded: 'costPoints' | 'requests' | null;
  /** Used in the current period, this request included when allowed. */
  used: QuotaUsage;
  /** Start of the next period (UTC), when the counters restart. */
  resetAt: Date;
}

/**
 * Per-key counters of cost points and requests per calendar period (UTC day
 * or month). `consume` adds the usage only if every limit still holds;
 * `refund` gives back usage of a request refused later (by the rate limiter).
 * Asynchronous because a shared (Redis) implementation will be.
 */
export interface QuotaCounter {
  consume(key: string, usage: QuotaUsage, limits: QuotaLimits, now: number): Promise<QuotaDecision>;
  refund(key: string, usage: QuotaUsage, period: QuotaPeriod, now: number): Promise<void>;
}

/** The UTC calendar period containing `now`: an id that changes with it, and when it ends. */
export function quotaPeriodAt(period: QuotaPeriod, now: number): { id: string; endsAt: number } {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  if (period === 'MONTH') return { id: `${year}-${month + 1}`, endsAt: Date.UTC(year, month + 1, 1) };
  const day = date.getUTCDate();
  return { id: `${year}-${month + 1}-${day}`, endsAt: Date.UTC(year, month, day + 1) };
}

export interface InMemoryQuotaCounterOptions {
  /** Keys tracked at once; the least recently used beyond this are forgotten. @default 100000 */
  maxKeys?: number;
}

interface Counter extends QuotaUsage {
  periodId: string;
}

/**
 * Counters in this process: they restart with it and are not shared between
 * instances (the Redis implementation is). A counter from an earlier period
 * counts as empty.
 */
export class InMemoryQuotaCounter implements QuotaCounter {
  readonly #counters: LRUCache<string, Counter>;

  constructor({ maxKeys = 100_000 }: InMemoryQuotaCounterOptions = {}) {
    this.#counters = new LRUCache({ max: maxKeys });
  }

  consume(key: string, usage: QuotaUsage, limits: QuotaLimits, now: number): Promise<QuotaDecision> {
    const { id, endsAt } = quotaPeriodAt(limits.period, now);
    const counter = this.#current(key, id);
    const resetAt = new Date(endsAt);
    const costPoints = counter.costPoints + usage.costPoints;
    const requests = counter.requests + usage.requests;
    const exceeded =
      limits.requests !== null && requests > limits.requests
        ? 'requests'
        : limits.costPoints !== null && costPoints > limits.costPoints
          ? 'costPoints'
          : null;
    if (exceeded) {
      return Promise.resolve({ allowed: false, exceeded, used: { costPoints: counter.costPoints, requests: counter.requests }, resetAt });
    }
    this.#counters.set(key, { periodId: id, costPoints, requests });
    return Promise.resolve({ allowed: true, exceeded: null, used: { costPoints, requests }, resetAt });
  }

  refund(key: string, usage: QuotaUsage, period: QuotaPeriod, now: number): Promise<void> {
    const { id } = quotaPeriodAt(period, now);
    const counter = this.#counters.get(key);
    if (counter?.periodId === id) {
      this.#counters.set(key, {
        periodId: id,
        costPoints: Math.max(0, counter.costPoints - usage.costPoints),
        requests: Math.max(0, counter.requests - usage.requests),
      });
    }
    return Promise.resolve();
  }

  #current(key: string, periodId: string): Counter {
    const counter = this.#counters.get(key);
    return counter?.periodId === periodId ? counter : { periodId, costPoints: 0, requests: 0 };
  }
}
