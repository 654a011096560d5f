import { SpanKind, SpanStatusCode, trace, type Context, type TextMapPropagator, type TextMapSetter, type Tracer } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';

/**
 * What a backend executor needs for tracing, handed to it only when tracing is on (the executors
 * check for it once per call and do nothing else otherwise).
 */
export interface BackendTracing {
  /** Starts the client span of one HTTP request to a backend, under the span running now. */
  startHttp(backend: string, method: string, url: string, headers: Readonly<Record<string, string>>): BackendHttpSpan;
}

export interface BackendHttpSpan {
  /** The headers to send: a copy of the given ones with `traceparent` (and `tracestate`) added. */
  readonly headers: Record<string, string>;
  /** The backend answered with this HTTP status. */
  status(statusCode: number): void;
  /** The exchange failed: a `BACKEND_*` error (its code becomes `error.type`) or a transport error. */
  fail(error: unknown): void;
  end(): void;
}

/** The HTTP client span (semantic conventions: HTTP client spans) with W3C trace context injected. */
export function startBackendSpan(
  tracer: Tracer,
  propagator: TextMapPropagator,
  parent: Context,
  request: { backend: string; method: string; url: string; headers: Readonly<Record<string, string>> },
  setter: TextMapSetter<Record<string, string>>,
): BackendHttpSpan {
  const target = new URL(request.url);
  const span = tracer.startSpan(
    request.method,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: request.method,
        [ATTR_SERVER_ADDRESS]: target.hostname,
        [ATTR_SERVER_PORT]: Number(target.port || (target.protocol === 'https:' ? 443 : 80)),
        // Without the query string: a REST call's may carry what a client sent as arguments.
        [ATTR_URL_FULL]: `${target.origin}${target.pathname}`,
        'gatehouse.backend': request.backend,
      },
    },
    parent,
  );
  const headers = { ...request.headers };
  // Unsampled spans are propagated too: the backend then knows not to sample either.
  propagator.inject(trace.setSpan(parent, span), headers, setter);
  return {
    headers,
    status(statusCode) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
      // Client spans: 4xx and 5xx are errors (semantic conventions, HTTP spans, "Status").
      if (statusCode >= 400) {
        span.setAttribute(ATTR_ERROR_TYPE, String(statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    },
    fail(error) {
      const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
      span.setAttribute(ATTR_ERROR_TYPE, typeof code === 'string' ? code : error instanceof Error ? error.name : 'error');
      span.setStatus({ code: SpanStatusCode.ERROR });
    },
    end() {
      span.end();
    },
  };
}
