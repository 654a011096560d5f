export interface LoadTarget {
  /** The /graphql URL. */
  url: string;
  headers?: Record<string, string>;
}

export interface LoadResult {
  target: number;
  /** HTTP status, or 0 when the request failed or did not answer within the timeout. */
  status: number;
  /** `extensions.code` of the first error, if any. */
  code?: string;
  /** Why a request got no answer (`TimeoutError`, `TypeError: fetch failed`…). */
  failure?: string;
}

export interface Load {
  readonly results: readonly LoadResult[];
  /** Lets every worker finish its request, then resolves. */
  stop(): Promise<void>;
}

/**
 * Keeps `concurrency` requests in flight against the targets (round robin) until stopped, each
 * bounded by `timeoutMs`, so a request that hangs shows up as a failure instead of hanging the test.
 */
export function startLoad(targets: LoadTarget[], { query, concurrency = 4, timeoutMs = 5_000 }: { query: string; concurrency?: number; timeoutMs?: number }): Load {
  const results: LoadResult[] = [];
  let stopped = false;
  let next = 0;
  async function worker(): Promise<void> {
    while (!stopped) {
      const target = next++ % targets.length;
      const { url, headers } = targets[target]!;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
          body: JSON.stringify({ query }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
        results.push({ target, status: response.status, code: body.errors?.[0]?.extensions?.code });
      } catch (error) {
        results.push({ target, status: 0, failure: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      }
    }
  }
  const workers = Array.from({ length: concurrency }, () => worker());
  return {
    results,
    async stop() {
      stopped = true;
      await Promise.all(workers);
    },
  };
}
