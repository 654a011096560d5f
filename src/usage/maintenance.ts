import type { Logger } from '../log.js';
import { pruneHorizonsAt, type UsageRetention } from './retention.js';
import type { UsagePruneCounts, UsageStore } from './types.js';

export interface UsageMaintenanceOptions {
  store: Pick<UsageStore, 'rollUp' | 'prune'>;
  retention: UsageRetention;
  log: Logger;
  /** How often the job runs, in ms. @default 60000 */
  intervalMs?: number;
  /**
   * Records rolled up per transaction. PGlite runs a statement on the event loop, so each is kept
   * short: 2,000 records took one ~100 ms statement, 250 take ~15 ms. @default 250
   */
  batchLimit?: number;
  /** Clock in ms since the epoch (tests inject one and call `run` themselves). @default Date.now */
  now?: () => number;
}

export interface MaintenanceRun {
  /** Requests added to the rollups by this instance. */
  rolled: number;
  /** False when another instance held the rollup lock the whole time. */
  rolledHere: boolean;
  pruned: UsagePruneCounts;
}

/**
 * The one periodic job of an instance: rolls raw records up into minute, hour and day periods,
 * then deletes what the retention no longer keeps. Safe with any number of instances on one
 * database (see `UsageStore.rollUp`); `run` is what the timer calls and what tests call with a time.
 */
export class UsageMaintenance {
  readonly #store: UsageMaintenanceOptions['store'];
  readonly #retention: UsageRetention;
  readonly #log: Logger;
  readonly #intervalMs: number;
  readonly #batchLimit: number;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<MaintenanceRun> | undefined;
  #failing = false;

  constructor({ store, retention, log, intervalMs = 60_000, batchLimit = 250, now = Date.now }: UsageMaintenanceOptions) {
    this.#store = store;
    this.#retention = retention;
    this.#log = log.child({ component: 'usage' });
    this.#intervalMs = intervalMs;
    this.#batchLimit = batchLimit;
    this.#now = now;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.run().then(
        () => {
          if (this.#failing) this.#log.info('usage rollups run again');
          this.#failing = false;
        },
        (error: unknown) => {
          // Degraded, not down: records wait in the raw table and are rolled up by a later run.
          if (!this.#failing) this.#log.warn({ err: error }, 'usage rollup or retention failed; retrying at the next run');
          this.#failing = true;
        },
      );
    }, this.#intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** One run as of `atMs`: everything recorded before it is rolled up, then the retention applied. */
  run(atMs: number = this.#now()): Promise<MaintenanceRun> {
    this.#running ??= this.#runOnce(atMs).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #runOnce(atMs: number): Promise<MaintenanceRun> {
    let rolled = 0;
    let rolledHere = false;
    for (;;) {
      const round = await this.#store.rollUp({ beforeMs: atMs + 1, batchLimit: this.#batchLimit });
      if (!round.locked) break;
      rolledHere = true;
      rolled += round.rolled;
      if (round.rows < this.#batchLimit) break;
    }
    const pruned = await this.#store.prune(pruneHorizonsAt(this.#retention, atMs));
    if (rolled || pruned.raw) this.#log.debug({ rolled, pruned }, 'usage rolled up');
    return { rolled, rolledHere, pruned };
  }
}
