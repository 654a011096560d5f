import { createRedisConnection } from '../../cluster/redis.js';
import type { RedisConfig } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import { InMemoryBudget, type Budget } from './budget.js';
import { FailoverBudget } from './failover-budget.js';
import { RedisBudget } from './redis-budget.js';

export interface OpenedBudget {
  budget: Budget;
  close(): Promise<void>;
}

export interface OpenBudgetOptions {
  /** Decide on the caller's `now` instead of Redis's `TIME` (tests inject a clock). @default false */
  callerClock?: boolean;
}

/**
 * The budget the request path spends: in memory without Redis; with it, the shared Redis budget
 * behind the failure policy. A Redis that isn't there at start doesn't stop the start: the
 * instance begins degraded (logged once) and switches to Redis when it answers.
 */
export async function openBudget(redis: RedisConfig | undefined, log: Logger, { callerClock = false }: OpenBudgetOptions = {}): Promise<OpenedBudget> {
  if (!redis) return { budget: new InMemoryBudget(), close: () => Promise.resolve() };
  const connection = createRedisConnection(redis, log);
  const budget = new FailoverBudget({
    shared: new RedisBudget(connection.client, { keyPrefix: redis.keyPrefix, clock: callerClock ? 'caller' : 'redis' }),
    local: new InMemoryBudget(),
    policy: redis.failure,
    log,
  });
  if (!(await connection.ready(redis.connectTimeoutMs))) {
    budget.startDegraded(new Error(`no Redis connection within ${redis.connectTimeoutMs} ms`));
  }
  return {
    budget,
    async close() {
      budget.close();
      await connection.close();
    },
  };
}
