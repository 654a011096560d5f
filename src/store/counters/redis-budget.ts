import { createHash } from 'node:crypto';
import { isRedisUnavailable, type RedisClient } from '../../cluster/redis.js';
import { BudgetUnavailableError, type Budget, type SpendDecision, type SpendRequest } from './budget.js';
import type { QuotaDecision } from './quota-counter.js';
import type { RateLimit, RateLimitDecision } from './rate-limiter.js';
import { SPEND_SCRIPT } from './redis-budget-script.js';

export interface RedisBudgetOptions {
  /** Prepended to every key (`GATEHOUSE_REDIS_PREFIX`). @default 'gatehouse:' */
  keyPrefix?: string;
  /**
   * Whose clock decides: `redis`, the server's `TIME`, one clock for every instance however
   * theirs drift; `caller`, the `now` of each call (tests inject one). Answers are turned into
   * dates on the caller's clock either way. @default 'redis'
   */
  clock?: 'redis' | 'caller';
  /** How long a key outlives what it holds (a TAT in the past, a period over), in ms. @default 60000 */
  graceMs?: number;
}

type ScriptReply = [number, '' | 'ok' | 'requests' | 'costPoints', '' | 'ok' | 'refused', number, number, number, number, number, number];

/**
 * The budget every instance shares: one `EVALSHA` of `SPEND_SCRIPT` per operation (one round
 * trip; `EVAL` once more only after Redis lost its script cache, e.g. a restart). The rate key
 * and the quota key of a consumer share a hash tag (`{consumer:…}`), so in a Redis Cluster they
 * live in one slot, as a multi-key script needs. Failures to reach Redis are thrown as
 * `BudgetUnavailableError`; the policy for them is `FailoverBudget`'s.
 */
export class RedisBudget implements Budget {
  readonly #client: RedisClient;
  readonly #keyPrefix: string;
  readonly #serverClock: boolean;
  readonly #graceMs: number;
  readonly #sha = createHash('sha1').update(SPEND_SCRIPT).digest('hex');

  constructor(client: RedisClient, { keyPrefix = 'gatehouse:', clock = 'redis', graceMs = 60_000 }: RedisBudgetOptions = {}) {
    this.#client = client;
    this.#keyPrefix = keyPrefix;
    this.#serverClock = clock === 'redis';
    this.#graceMs = graceMs;
  }

  async spend({ key, points, rate, quota, now }: SpendRequest): Promise<SpendDecision> {
    const reply = await this.#run(key, [
      this.#serverClock ? '' : String(now),
      String(points),
      String(rate?.limit ?? 0),
      String((rate?.windowSeconds ?? 0) * 1_000),
      quota?.period ?? '',
      String(quota?.costPoints ?? -1),
      String(quota?.requests ?? -1),
      String(this.#graceMs),
    ]);
    const [allowed, quotaState, rateState, remaining, resetInMs, retryAfterSeconds, usedCost, usedRequests, periodEndsInMs] = reply;
    const rateDecision: RateLimitDecision | undefined = rate && {
      allowed: rateState === 'ok',
      remaining,
      resetAt: new Date(now + resetInMs),
      retryAfterSeconds,
    };
    const quotaDecision: QuotaDecision | undefined = quota && {
      allowed: quotaState === 'ok',
      exceeded: quotaState === 'requests' || quotaState === 'costPoints' ? quotaState : null,
      used: { costPoints: usedCost, requests: usedRequests },
      resetAt: new Date(now + periodEndsInMs),
    };
    if (allowed === 1) return { allowed: true, rate: rateDecision, quota: quotaDecision };
    if (quotaDecision && !quotaDecision.allowed) return { allowed: false, refusedBy: 'quota', rate: rateDecision, quota: quotaDecision };
    return { allowed: false, refusedBy: 'rate', rate: rateDecision!, quota: undefined };
  }

  async peek(key: string, rate: RateLimit, now: number): Promise<RateLimitDecision | undefined> {
    return (await this.spend({ key, points: 0, rate, quota: undefined, now })).rate;
  }

  /** Resolves when Redis answers (the failover's probe). */
  async ping(): Promise<void> {
    await this.#call(() => this.#client.ping());
  }

  #keys(key: string): [string, string] {
    return [`${this.#keyPrefix}rate:{${key}}`, `${this.#keyPrefix}quota:{${key}}`];
  }

  async #run(key: string, args: string[]): Promise<ScriptReply> {
    const keys = this.#keys(key);
    const reply = await this.#call(async () => {
      try {
        return await this.#client.evalsha(this.#sha, 2, ...keys, ...args);
      } catch (error) {
        // The server forgot the script (restarted, SCRIPT FLUSH): send it once, it is cached again.
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return this.#client.eval(SPEND_SCRIPT, 2, ...keys, ...args);
        throw error;
      }
    });
    if (!Array.isArray(reply) || reply.length !== 9) throw new Error(`unexpected reply from the spend script: ${JSON.stringify(reply)}`);
    return reply as ScriptReply;
  }

  async #call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw isRedisUnavailable(error) ? new BudgetUnavailableError({ cause: error }) : error;
    }
  }
}
