import type { ChangeFeed } from '../cluster/change-feed.js';
import type { Logger } from '../log.js';
import type { ServedGraph } from './generation.js';
import type { Registry } from './registry.js';

export interface RegistrySyncOptions {
  registry: Pick<Registry, 'refresh'>;
  served: ServedGraph;
  /** Where other instances announce their writes, and say when events may have been missed. */
  feed: Pick<ChangeFeed, 'subscribe' | 'onReconnect'>;
  /** How often the store's latest version is compared with the served one, in ms: the bound for a lost notification. @default 5000 */
  pollMs?: number;
  log: Logger;
}

/**
 * Keeps this instance serving what other instances wrote. Three triggers, one action: a
 * `registry-changed` event naming a version newer than the served one, the feed coming back after
 * a disconnection (events may be lost), and a periodic version check (a notification may be lost
 * without the connection dropping). Each runs `registry.refresh()`, which compares versions
 * itself; triggers that arrive while one runs are folded into one more run after it.
 */
export class RegistrySync {
  readonly #registry: Pick<Registry, 'refresh'>;
  readonly #served: ServedGraph;
  readonly #feed: RegistrySyncOptions['feed'];
  readonly #pollMs: number;
  readonly #log: Logger;
  #unsubscribe: Array<() => void> = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again: Promise<void> | undefined;
  /** Set while the store fails, so an outage is logged when it starts and when it ends, not at every poll. */
  #failing = false;
  #stopped = false;

  constructor({ registry, served, feed, pollMs = 5_000, log }: RegistrySyncOptions) {
    this.#registry = registry;
    this.#served = served;
    this.#feed = feed;
    this.#pollMs = pollMs;
    this.#log = log.child({ component: 'registry-sync' });
  }

  start(): void {
    this.#unsubscribe = [
      this.#feed.subscribe((event) => {
        if (event.type === 'registry-changed' && event.version > this.#served.version) void this.sync();
      }),
      this.#feed.onReconnect(() => void this.sync()),
    ];
    this.#timer = setInterval(() => void this.sync(), this.#pollMs);
    // The poll alone must not keep a process alive.
    this.#timer.unref();
  }

  /**
   * Catches up with the store now: resolves once this instance serves the newest stored version
   * (or the store could not be read, which is logged). Calls made while a run is going share the
   * one run after it, so a burst of events costs two refreshes, not one each.
   */
  sync(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (!this.#running) {
      this.#running = this.#run().finally(() => (this.#running = undefined));
      return this.#running;
    }
    // The running refresh may have read the store before the change that triggered this call.
    this.#again ??= this.#running.then(() => {
      this.#again = undefined;
      return this.sync();
    });
    return this.#again;
  }

  /** Stops the triggers and waits for a refresh under way, so the store can be closed after. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    await this.#again;
    await this.#running;
  }

  async #run(): Promise<void> {
    try {
      const outcome = await this.#registry.refresh();
      if (this.#failing) {
        this.#failing = false;
        this.#log.info({ version: outcome.version }, 'store readable again; registry in sync');
      }
    } catch (error) {
      // Serving goes on with the schema already served; the next trigger tries again.
      if (!this.#failing) {
        this.#failing = true;
        this.#log.warn({ err: error, servedVersion: this.#served.version }, 'cannot read the registry store; serving the last schema');
      }
    }
  }
}
