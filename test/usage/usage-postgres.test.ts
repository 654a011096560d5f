import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { startStoppablePostgres } from '../helpers/stoppable-postgres.js';
import { consumerWithPlan } from '../request-path/fixtures.js';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from '../store/engines.js';
import { byConsumerAndOperation, consumersOfPlan, expectScriptOutcomes, Ledger, scriptParts, startCatalog, usageOf, type ScriptConsumer } from './fixtures.js';

const T0 = Date.UTC(2030, 0, 15, 12, 30, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const around = { from: new Date(T0 - HOUR).toISOString(), to: new Date(T0 + HOUR).toISOString() };

describe('usage with two instances on one PostgreSQL schema', () => {
  const schema = uniqueSchemaName();
  let subgraphs: Awaited<ReturnType<typeof startCatalog>>;
  let first: RunningGatehouse;
  let second: RunningGatehouse;
  let clock = T0;
  const ledger = new Ledger();
  const env = { GATEHOUSE_DATABASE_URL: testDatabaseUrl, GATEHOUSE_DATABASE_SCHEMA: schema, GATEHOUSE_EXPOSE_COST: 'true' };

  beforeAll(async () => {
    subgraphs = await startCatalog();
    first = await startGatehouse({
      env,
      now: () => clock,
      backends: [
        { name: 'catalog', url: subgraphs.catalog.url },
        { name: 'stock', url: subgraphs.stock.url },
      ],
    });
    // Started after the registration, it serves the stored graph.
    second = await startGatehouse({ env, now: () => clock });
    const keys = {} as Record<ScriptConsumer, Record<string, string>>;
    for (const [name, plan] of Object.entries(consumersOfPlan)) keys[name as ScriptConsumer] = await consumerWithPlan(first, name, plan);
    await scriptParts.alpha(first, ledger, keys);
    await scriptParts.beta(first, ledger, keys);
    await scriptParts.gamma(second, ledger, keys, () => subgraphs.stock.close());
    await Promise.all([first.gatehouse.usage.recorder.flush(), second.gatehouse.usage.recorder.flush()]);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await subgraphs?.close();
    await dropSchema(schema);
  });

  it('counts what both instances served, asked of either', async () => {
    expectScriptOutcomes(ledger);
    for (const instance of [first, second]) {
      const report = await usageOf(instance, { filter: around, groupBy: ['CONSUMER', 'OPERATION'] });
      expect(byConsumerAndOperation(report.buckets)).toEqual(ledger.byConsumerAndOperation());
    }
    const price = await second.admin<{ fieldUsage: { consumers: Array<{ consumer: string; requests: number }> } }>(
      `query($since: DateTime) { fieldUsage(coordinate: "Product.price", since: $since) { consumers { consumer requests } } }`,
      { since: around.from },
    );
    expect(price.body.data!.fieldUsage.consumers).toEqual([
      { consumer: 'alpha', requests: 2 },
      { consumer: 'gamma', requests: 2 },
    ]);
  });

  it('rolls every record up exactly once when both instances run the job at the same time', async () => {
    clock = T0 + 2 * DAY;
    const runs = await Promise.all([first.gatehouse.usage.maintenance.run(clock), second.gatehouse.usage.maintenance.run(clock)]);
    expect(runs[0].rolled + runs[1].rolled).toBe(ledger.entries.length);
    // And again: nothing is left to roll up, nothing is counted twice.
    const again = await Promise.all([first.gatehouse.usage.maintenance.run(clock), second.gatehouse.usage.maintenance.run(clock)]);
    expect(again[0].rolled + again[1].rolled).toBe(0);
    const report = await usageOf(first, { filter: around, groupBy: ['CONSUMER', 'OPERATION'] });
    expect(report.latencyPrecision).toBe('HISTOGRAM');
    expect(byConsumerAndOperation(report.buckets)).toEqual(ledger.byConsumerAndOperation());
  });
});

describe('usage records while the store is down', () => {
  const BUFFER = 100;
  let postgres: Awaited<ReturnType<typeof startStoppablePostgres>>;
  let subgraphs: Awaited<ReturnType<typeof startCatalog>>;
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    postgres = await startStoppablePostgres();
    subgraphs = await startCatalog();
    gatehouse = await startGatehouse({
      // A long interval: the buffer is written when the test says, or when a batch is full.
      env: { GATEHOUSE_DATABASE_URL: postgres.url, GATEHOUSE_USAGE_BUFFER_SIZE: String(BUFFER), GATEHOUSE_USAGE_FLUSH_INTERVAL_MS: '60000' },
      backends: [
        { name: 'catalog', url: subgraphs.catalog.url },
        { name: 'stock', url: subgraphs.stock.url },
      ],
    });
  });

  afterAll(async () => {
    await gatehouse?.close();
    await subgraphs?.close();
    await postgres?.close();
  });

  const recorder = async () => {
    const result = await gatehouse.admin<{ usageRecorder: { enabled: boolean; buffered: number; dropped: number; failedWrites: number; lastError: string | null } }>(
      '{ usageRecorder { enabled buffered dropped written failedWrites lastError } }',
    );
    expect(result.body.errors).toBeUndefined();
    return result.body.data!.usageRecorder;
  };
  const requests = async () =>
    (await usageOf(gatehouse, { filter: { from: new Date(Date.now() - HOUR).toISOString() } })).buckets.reduce((sum, bucket) => sum + bucket.requests, 0);

  it('keeps the buffer size of rows, drops and counts the requests beyond it, and writes the kept ones once it is back', async () => {
    for (let i = 0; i < 5; i++) await gatehouse.query('query Names { products(first: 2) { name } }');
    await gatehouse.gatehouse.usage.recorder.flush();
    expect(await requests()).toBe(5);

    await postgres.stop();
    // The requests themselves may fail once cached lookups expire (the store is down); each is recorded all the same.
    // Each names its own operation, so each needs a row of its own (alike requests would share one).
    for (let i = 0; i < BUFFER + 50; i++) await gatehouse.query(`query Names${i} { products(first: 2) { name } }`);
    await gatehouse.gatehouse.usage.recorder.flush();
    const down = await recorder();
    expect(down).toMatchObject({ enabled: true, buffered: BUFFER, dropped: 50 });
    expect(down.failedWrites).toBeGreaterThan(0);
    expect(down.lastError).toMatch(/usage records/);

    await postgres.start();
    await gatehouse.gatehouse.usage.recorder.flush();
    expect(await recorder()).toMatchObject({ buffered: 0, dropped: 50, lastError: null });
    expect(await requests()).toBe(5 + BUFFER);
  });
});
