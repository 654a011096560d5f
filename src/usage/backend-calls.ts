import type { TracingChannelSubscribers } from 'node:diagnostics_channel';
import { subgraphFetches, type SubgraphFetchEvent } from '../graph/engine/instrumentation.js';
import type { BackendCall } from './types.js';

type FetchEvent = SubgraphFetchEvent & { error?: unknown };

/**
 * Each backend call of each operation, with its duration and outcome, from the engine's
 * `gatehouse:subgraph-fetch` tracing channel. Calls are kept per gateway context object (the
 * operation's GraphQL context, which the engine hands to every fetch), in a WeakMap: they go with
 * the context. The channel costs the engine nothing while no tracker is started.
 */
export class BackendCallTracker {
  readonly #calls = new WeakMap<object, BackendCall[]>();
  readonly #startedAt = new WeakMap<FetchEvent, number>();
  // Node calls only the handlers given; its type lists all five.
  readonly #handlers = {
    start: (event: FetchEvent) => {
      this.#startedAt.set(event, performance.now());
    },
    asyncEnd: (event: FetchEvent) => {
      const { context } = event;
      const startedAt = this.#startedAt.get(event);
      if (startedAt === undefined || typeof context !== 'object' || context === null) return;
      const call: BackendCall = {
        backend: event.subgraph,
        durationMs: performance.now() - startedAt,
        // A fetch that threw (the executors map failures to codes, so this is unexpected) still failed.
        errorCode: event.error !== undefined ? 'FETCH_FAILED' : (event.errorCodes?.[0] ?? null),
      };
      const calls = this.#calls.get(context);
      if (calls) calls.push(call);
      else this.#calls.set(context, [call]);
    },
  } as TracingChannelSubscribers<SubgraphFetchEvent>;
  #started = false;

  start(): void {
    if (this.#started) return;
    this.#started = true;
    subgraphFetches.subscribe(this.#handlers);
  }

  stop(): void {
    if (!this.#started) return;
    this.#started = false;
    subgraphFetches.unsubscribe(this.#handlers);
  }

  /** The calls made for the operation running with this context, in the order they ended. */
  callsOf(context: object): readonly BackendCall[] {
    return this.#calls.get(context) ?? [];
  }
}
