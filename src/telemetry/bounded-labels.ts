/**
 * Label values chosen by clients (operation names) or by backends (their error codes) would give
 * Prometheus one series per distinct value, without bound. The first `max` distinct values keep
 * their own label value; every later one is counted as `overflow`. "First seen" rather than "most
 * frequent": a counter's series cannot be renamed once scraped, so the set is fixed once full (a
 * restart starts over). Values outside `pattern` are never labels (and so never a raw query).
 */
export class BoundedLabels {
  readonly #seen = new Set<string>();
  readonly #max: number;
  readonly #pattern: RegExp;
  readonly #overflow: string;

  constructor({ max, pattern, overflow = '(other)' }: { max: number; pattern: RegExp; overflow?: string }) {
    this.#max = max;
    this.#pattern = pattern;
    this.#overflow = overflow;
  }

  valueOf(value: string): string {
    if (this.#seen.has(value)) return value;
    if (this.#seen.size >= this.#max || !this.#pattern.test(value)) return this.#overflow;
    this.#seen.add(value);
    return value;
  }
}

/** A GraphQL name (spec §2.1.9), at most 128 characters. */
export const OPERATION_LABEL = /^[_A-Za-z][_0-9A-Za-z]{0,127}$/;
/** An error code as GraphQL servers write them (`BACKEND_TIMEOUT`, `GRAPHQL_PARSE_FAILED`). */
export const ERROR_CODE_LABEL = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
