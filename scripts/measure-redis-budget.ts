/**
 * What the shared budget adds to a request: the same spend (a rate limit and a daily quota, as a
 * plan has them) against the in-memory budget and against Redis, sequentially, 500 warm-up calls
 * then 5,000 timed ones each, over 100 consumers. Prints the medians and p99s; the difference of
 * the medians is what README calls the added latency. Keys go under a random prefix, removed at
 * the end. `GATEHOUSE_REDIS_URL` picks the Redis (default redis://127.0.0.1:6379).
 *
 *   npx tsx scripts/measure-redis-budget.ts
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { InMemoryBudget, type Budget } from '../src/store/counters/budget.js';
import { RedisBudget } from '../src/store/counters/redis-budget.js';

const url = process.env.GATEHOUSE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `gatehouse-measure:${randomBytes(4).toString('hex')}:`;
const WARM_UP = 500;
const TIMED = 5_000;

async function timings(budget: Budget): Promise<number[]> {
  const spend = (i: number) =>
    budget.spend({
      key: `consumer:${i % 100}`,
      points: 1,
      rate: { limit: 1_000_000, windowSeconds: 60 },
      quota: { period: 'DAY', costPoints: null, requests: 10_000_000 },
      now: Date.now(),
    });
  for (let i = 0; i < WARM_UP; i++) await spend(i);
  const samples: number[] = [];
  for (let i = 0; i < TIMED; i++) {
    const started = performance.now();
    await spend(i);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
const ms = (value: number) => `${value.toFixed(3)} ms`;

const client = new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
try {
  const memory = await timings(new InMemoryBudget());
  const redis = await timings(new RedisBudget(client, { keyPrefix: prefix }));
  console.log(`in memory: median ${ms(at(memory, 0.5))}, p99 ${ms(at(memory, 0.99))}`);
  console.log(`Redis:     median ${ms(at(redis, 0.5))}, p99 ${ms(at(redis, 0.99))}`);
  console.log(`added per request (median): ${ms(at(redis, 0.5) - at(memory, 0.5))}`);
} finally {
  const keys = await client.keys(`${prefix}*`);
  if (keys.length) await client.del(...keys);
  client.disconnect();
}
