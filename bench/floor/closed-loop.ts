import { isDeepStrictEqual } from 'node:util';
import { errors as undiciErrors, Pool } from 'undici';
import type { LoadResult } from '../load.js';
import { runCrossQueryPlan, type SubgraphCall } from './cross-query-plan.js';

/** Per subgraph request, as for the gateways' load: a timeout counts as an error. */
const requestTimeoutMs = 10_000;

/** A failed subgraph answer: which counter of `LoadResult.errors` it goes to, and the body. */
class FloorRequestError extends Error {
  constructor(
    readonly kind: 'non2xx' | 'errorBodies',
    readonly statusCode: number,
    readonly body: string,
  ) {
    super(`HTTP ${statusCode}: ${body.slice(0, 200)}`);
  }
}

export interface FloorLoadOptions {
  connections: number;
  durationS: number;
  expectedData: unknown;
  dedupe: boolean;
}

export interface FloorClient {
  /** One plan run: the assembled data, for the correctness check. */
  runOnce(): Promise<unknown>;
  /**
   * `connections` closed loops for `durationS`, each starting the plan again when it finishes;
   * with `dedupe`, identical subgraph requests in flight at the same time are sent once.
   */
  runLoad(options: FloorLoadOptions): Promise<LoadResult>;
  close(): Promise<void>;
}

/**
 * Calls the subgraphs directly, with keep-alive connection pools (one per subgraph, as a gateway
 * holds), so the floor pays for HTTP and the subgraphs' work and nothing a gateway adds.
 */
export function createFloorClient(subgraphUrls: Record<string, string>): FloorClient {
  const pools = new Map<string, { pool: Pool; path: string }>();
  for (const [name, url] of Object.entries(subgraphUrls)) {
    const { origin, pathname } = new URL(url);
    pools.set(name, { pool: new Pool(origin, { headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs }), path: pathname });
  }
  const statusCodes: Record<string, number> = {};

  const call: SubgraphCall = async (subgraph, query, variables) => {
    const target = pools.get(subgraph);
    if (!target) throw new Error(`no URL for subgraph ${subgraph}`);
    const response = await target.pool.request({
      path: target.path,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.body.text();
    statusCodes[response.statusCode] = (statusCodes[response.statusCode] ?? 0) + 1;
    if (response.statusCode < 200 || response.statusCode > 299) throw new FloorRequestError('non2xx', response.statusCode, text);
    const body = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
    if (body.errors !== undefined || body.data == null) throw new FloorRequestError('errorBodies', response.statusCode, text);
    return body.data;
  };

  // Keyed by subgraph and body, as a gateway's executor shares them; removed once answered.
  const inFlight = new Map<string, Promise<unknown>>();
  const sharedCall: SubgraphCall = (subgraph, query, variables) => {
    const key = `${subgraph}\0${query}\0${JSON.stringify(variables)}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = call(subgraph, query, variables).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };

  return {
    runOnce: () => runCrossQueryPlan(call),
    async runLoad({ connections, durationS, expectedData, dedupe }) {
      const plannedCall = dedupe ? sharedCall : call;
      for (const code of Object.keys(statusCodes)) delete statusCodes[code];
      const errors = { connection: 0, timeouts: 0, non2xx: 0, errorBodies: 0, wrongData: 0, total: 0 };
      let firstBadBody: string | undefined;
      const latenciesMs: number[] = [];
      const perSecond = new Array<number>(Math.max(1, Math.floor(durationS))).fill(0);
      let sent = 0;
      const startedAt = performance.now();
      const deadline = startedAt + durationS * 1_000;

      async function loop(): Promise<void> {
        while (performance.now() < deadline) {
          const requestStartedAt = performance.now();
          sent++;
          try {
            const data = await runCrossQueryPlan(plannedCall);
            if (!isDeepStrictEqual(data, expectedData)) {
              errors.wrongData++;
              firstBadBody ??= JSON.stringify(data).slice(0, 1_000);
            }
          } catch (error) {
            if (error instanceof FloorRequestError) {
              errors[error.kind]++;
              firstBadBody ??= error.body.slice(0, 1_000);
            } else {
              errors.connection++;
              if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) errors.timeouts++;
              firstBadBody ??= String(error);
            }
          }
          const finishedAt = performance.now();
          // Like autocannon: what finishes after the end of the load is sent, not counted.
          if (finishedAt > deadline) return;
          latenciesMs.push(finishedAt - requestStartedAt);
          const second = Math.floor((finishedAt - startedAt) / 1_000);
          if (second < perSecond.length) perSecond[second]!++;
        }
      }
      await Promise.all(Array.from({ length: connections }, loop));
      // As for autocannon, timeouts are among the connection errors.
      errors.total = errors.connection + errors.non2xx + errors.errorBodies + errors.wrongData;
      return {
        durationS: (performance.now() - startedAt) / 1_000,
        totalRequests: latenciesMs.length,
        sentRequests: sent,
        requestsPerS: summarise(perSecond),
        latencyMs: latencySummary(latenciesMs),
        errors,
        textVariants: 0,
        statusCodes: { ...statusCodes },
        firstBadBody,
      };
    },
    async close() {
      await Promise.all(Array.from(pools.values(), ({ pool }) => pool.close()));
    },
  };
}

function summarise(values: number[]): LoadResult['requestsPerS'] {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return { mean, stddev: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

/** Nearest-rank percentiles, rounded to 0.1 ms as autocannon reports them. */
function latencySummary(latenciesMs: number[]): LoadResult['latencyMs'] {
  const sorted = Float64Array.from(latenciesMs).sort();
  const at = (fraction: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? NaN);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { mean: round(mean), p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(sorted[sorted.length - 1] ?? NaN) };
}

const round = (value: number) => Math.round(value * 10) / 10;
