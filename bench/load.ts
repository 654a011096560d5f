import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';

const baseHeaders = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };

/** Per-request timeout during the load, in seconds; a timeout counts as an error. */
const requestTimeoutS = 10;

/** One bench request: the query and the headers a row sends with it (e.g. `x-api-key`). */
export interface BenchRequest {
  query: string;
  headers?: Record<string, string>;
}

export interface QueryResponse {
  status: number;
  /** The body exactly as sent, which the load compares each response against. */
  text: string;
  body: { data?: unknown; errors?: unknown[]; extensions?: unknown };
}

export async function sendQuery(url: string, { query, headers }: BenchRequest): Promise<QueryResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...baseHeaders, ...headers },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(requestTimeoutS * 1_000),
  });
  const text = await response.text();
  let body: QueryResponse['body'];
  try {
    body = JSON.parse(text) as QueryResponse['body'];
  } catch {
    throw new Error(`${url} answered HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 500)}`);
  }
  return { status: response.status, text, body };
}

/** Throws unless the response is a 200 without errors whose data has the shape the query expects. */
export function assertGoodResponse(label: string, response: QueryResponse, problemWith: (data: unknown) => string | undefined): void {
  const { status, text, body } = response;
  const problem = status !== 200 ? `HTTP ${status}` : body.errors !== undefined ? 'errors in the body' : problemWith(body.data);
  if (problem) throw new Error(`${label} answered wrongly (${problem}):\n${text.slice(0, 2_000)}`);
}

/** JSON paths at which `a` and `b` differ, with both values; empty when deep-equal. */
export function diffJson(a: unknown, b: unknown, path = '$', out: string[] = []): string[] {
  if (isDeepStrictEqual(a, b)) return out;
  const bothObjects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null;
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) {
    out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    return out;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const childPath = Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`;
    diffJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], childPath, out);
  }
  return out;
}

export interface LoadOptions {
  url: string;
  request: BenchRequest;
  connections: number;
  durationS: number;
  /** This gateway's own answer to the query, checked before the load. */
  expected: QueryResponse;
  signal?: AbortSignal;
}

export interface LoadResult {
  durationS: number;
  /** Responses received. */
  totalRequests: number;
  /** Requests sent, including those still unanswered when the load stopped. */
  sentRequests: number;
  requestsPerS: { mean: number; stddev: number; min: number; max: number };
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  errors: {
    /** Connection errors, including timeouts. */
    connection: number;
    timeouts: number;
    non2xx: number;
    /** 2xx responses whose body has `errors`. */
    errorBodies: number;
    /** 2xx responses without `errors` whose data differs from the checked answer. */
    wrongData: number;
    total: number;
  };
  /** Bodies that differed only in formatting from the checked answer (not errors). */
  textVariants: number;
  statusCodes: Record<string, number>;
  /** The first erroneous body seen, shortened, to say what went wrong. */
  firstBadBody?: string;
}

/**
 * Holds `connections` keep-alive connections, each sending the query again as soon as
 * its previous answer arrives (closed loop), for `durationS` seconds. Every 2xx body is compared
 * with the checked answer; a differing one is parsed to tell errors from wrong data.
 */
export function runLoad({ url, request, connections, durationS, expected, signal }: LoadOptions): Promise<LoadResult> {
  let errorBodies = 0;
  let wrongData = 0;
  let textVariants = 0;
  let firstBadBody: string | undefined;
  const noteBad = (body: string) => (firstBadBody ??= body.slice(0, 1_000));

  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { ...baseHeaders, ...request.headers },
        body: JSON.stringify({ query: request.query }),
        connections,
        duration: durationS,
        timeout: requestTimeoutS,
        // A plain string comparison per response; only the rare mismatch is parsed (below).
        verifyBody: (body) => body === expected.text,
      },
      (error, result) => {
        signal?.removeEventListener('abort', stop);
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        // verifyBody also sees non-2xx bodies; those are counted as non2xx, not again here.
        const non2xx = result.non2xx;
        const connectionErrors = result.errors;
        resolve({
          durationS: result.duration,
          totalRequests: result.requests.total,
          sentRequests: result.requests.sent,
          requestsPerS: pick(result.requests, ['mean', 'stddev', 'min', 'max']),
          latencyMs: pick(result.latency, ['mean', 'p50', 'p90', 'p99', 'max']),
          errors: {
            connection: connectionErrors,
            timeouts: result.timeouts,
            non2xx,
            errorBodies,
            wrongData,
            total: connectionErrors + non2xx + errorBodies + wrongData,
          },
          textVariants,
          statusCodes: Object.fromEntries(
            Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]),
          ),
          firstBadBody,
        });
      },
    );
    const stop = () => instance.stop();
    signal?.addEventListener('abort', stop, { once: true });

    let lastStatus = 200;
    instance.on('response', (_client, statusCode) => {
      lastStatus = statusCode;
    });
    // Emitted right after the 'response' of the same request, so lastStatus belongs to this body.
    // @types/autocannon leaves this event out, hence the plain EventEmitter view.
    (instance as NodeJS.EventEmitter).on('reqMismatch', (body: string) => {
      if (lastStatus < 200 || lastStatus > 299) return noteBad(body);
      let parsed: QueryResponse['body'] | undefined;
      try {
        parsed = JSON.parse(body) as QueryResponse['body'];
      } catch {
        parsed = undefined;
      }
      if (parsed?.errors !== undefined) {
        errorBodies++;
        noteBad(body);
      } else if (parsed && isDeepStrictEqual(parsed.data, expected.body.data)) {
        textVariants++;
      } else {
        wrongData++;
        noteBad(body);
      }
    });
  });
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, source[key]])) as Pick<T, K>;
}
