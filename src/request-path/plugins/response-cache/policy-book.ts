import type { CacheHint, CacheScope } from '../../../graph/cache-hints.js';

/** A policy set through the admin API (`setCachePolicy`), as the store keeps it. */
export interface CachePolicyRule {
  /** `Type` or `Type.field`. */
  coordinate: string;
  maxAgeSeconds: number;
  scope: CacheScope;
}

/** The admin policies in force, by coordinate; a new map each time they change (memoisation keys on it). */
export type CachePolicies = ReadonlyMap<string, CacheHint>;

/**
 * The admin's cache policies, read from the store at start and again whenever they change (on
 * this instance or, through the change feed, on another). Requests read `current`, never the store.
 */
export class CachePolicyBook {
  #current: CachePolicies = new Map();
  #loading: Promise<void> | undefined;
  #again = false;

  constructor(private readonly load: () => Promise<readonly CachePolicyRule[]>) {}

  get current(): CachePolicies {
    return this.#current;
  }

  /** Reads the policies again; calls during a read make one more read after it, so the last change is seen. */
  reload(): Promise<void> {
    if (this.#loading) {
      this.#again = true;
      return this.#loading;
    }
    this.#loading = (async () => {
      try {
        do {
          this.#again = false;
          const rules = await this.load();
          this.#current = new Map(rules.map((rule) => [rule.coordinate, { maxAge: rule.maxAgeSeconds, scope: rule.scope }]));
        } while (this.#again);
      } finally {
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }
}
