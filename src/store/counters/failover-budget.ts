import type { Logger } from '../../log.js';
import { BudgetUnavailableError, type Budget, type SpendDecision, type SpendRequest } from './budget.js';
import type { RateLimit, RateLimitDecision } from './rate-limiter.js';

export interface SharedBudget extends Budget {
  /** Resolves when the shared store answers again; rejects with `BudgetUnavailableError` while it doesn't. */
  ping(): Promise<void>;
}

export interface FailoverBudgetOptions {
  shared: SharedBudget;
  /** Counts while the shared budget is unreachable and the policy is `open`. */
  local: Budget;
  /** `open`: serve on this instance's own budget (the plan's budget per instance); `closed`: refuse limited requests. */
  policy: 'open' | 'closed';
  log: Logger;
  /** How often an unreachable shared budget is tried again, in ms. @default 500 */
  probeIntervalMs?: number;
}

const UNAVAILABLE: SpendDecision = { allowed: false, refusedBy: 'unavailable', rate: undefined, quota: undefined };

/**
 * The shared budget, and what to do when it can't be reached. The first failure flips this
 * instance to degraded (logged once) and later requests no longer wait for the shared store at
 * all: a probe, off the request path, asks it every `probeIntervalMs` and flips back (logged
 * once) as soon as it answers. So an unreachable Redis costs each request nothing, and a hanging
 * one costs at most one command timeout, for the requests already waiting when it hung.
 */
export class FailoverBudget implements Budget {
  readonly #shared: SharedBudget;
  readonly #local: Budget;
  readonly #policy: 'open' | 'closed';
  readonly #log: Logger;
  readonly #probeIntervalMs: number;
  #degraded = false;
  #probe: NodeJS.Timeout | undefined;
  #closed = false;

  constructor({ shared, local, policy, log, probeIntervalMs = 500 }: FailoverBudgetOptions) {
    this.#shared = shared;
    this.#local = local;
    this.#policy = policy;
    this.#log = log.child({ component: 'rate-limit' });
    this.#probeIntervalMs = probeIntervalMs;
  }

  /** True while counting falls back to the policy. */
  get degraded(): boolean {
    return this.#degraded;
  }

  async spend(request: SpendRequest): Promise<SpendDecision> {
    if (!this.#degraded) {
      try {
        return await this.#shared.spend(request);
      } catch (error) {
        this.#degrade(error);
      }
    }
    return this.#policy === 'open' ? this.#local.spend(request) : UNAVAILABLE;
  }

  async peek(key: string, rate: RateLimit, now: number): Promise<RateLimitDecision | undefined> {
    if (!this.#degraded) {
      try {
        return await this.#shared.peek(key, rate, now);
      } catch (error) {
        this.#degrade(error);
      }
    }
    return this.#policy === 'open' ? this.#local.peek(key, rate, now) : undefined;
  }

  /** Marks a start with an unreachable store as degraded, so requests don't each find out. */
  startDegraded(cause: unknown): void {
    this.#degrade(new BudgetUnavailableError({ cause }));
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#probe);
  }

  /** Anything but unavailability is a bug: rethrown, so the request fails and it is logged. */
  #degrade(error: unknown): void {
    if (!(error instanceof BudgetUnavailableError)) throw error;
    if (this.#degraded) return;
    this.#degraded = true;
    this.#log.warn(
      { err: error.cause, policy: this.#policy },
      this.#policy === 'open'
        ? 'shared rate-limit budget unreachable: counting per instance until it is back'
        : 'shared rate-limit budget unreachable: refusing rate-limited requests until it is back',
    );
    this.#scheduleProbe();
  }

  #scheduleProbe(): void {
    if (this.#closed) return;
    this.#probe = setTimeout(() => {
      this.#shared.ping().then(
        () => {
          this.#degraded = false;
          this.#log.info('shared rate-limit budget reachable again: counting there');
        },
        (error: unknown) => {
          if (!(error instanceof BudgetUnavailableError)) this.#log.error({ err: error }, 'rate-limit budget probe failed');
          this.#scheduleProbe();
        },
      );
    }, this.#probeIntervalMs);
    this.#probe.unref();
  }
}
