import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from '../log.js';

const WARN_INTERVAL_MS = 60_000;

/**
 * The OTLP exporter reports failures only to OpenTelemetry's global diagnostic logger, which is
 * silent unless registered (and global). This says so in Gatehouse's log instead: one `warn` a
 * minute at most while exports fail, with how many batches were lost meanwhile.
 */
export class LoggedExporter implements SpanExporter {
  #failures = 0;
  #warnedAt = -Infinity;

  constructor(
    private readonly inner: SpanExporter,
    private readonly log: Logger,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) {
        this.#failures++;
        const now = Date.now();
        if (now - this.#warnedAt >= WARN_INTERVAL_MS) {
          this.#warnedAt = now;
          this.log.warn({ err: result.error, failedExports: this.#failures, spans: spans.length }, 'trace export failed; spans dropped');
        }
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
