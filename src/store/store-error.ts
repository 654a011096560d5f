/**
 * A store operation failed. The message says which operation, never the SQL
 * or the server's text (those are in `cause`, for the log); callers mask it
 * like any unexpected error.
 */
export class StoreError extends Error {
  override name = 'StoreError';
}

/**
 * The store could not be reached (connection refused, dropped or timed out; server shutting down
 * or starting up): the operation may succeed once it is back. The admin API reports it as
 * `STORE_UNAVAILABLE`. A write that failed this way during its commit may or may not be stored.
 */
export class StoreUnavailableError extends StoreError {
  override name = 'StoreUnavailableError';
}

/** Runs a database operation, replacing whatever it throws by a `StoreError` that names `what`. */
export async function attempt<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw storeErrorOf(`Could not ${what}.`, error);
  }
}

/** `cause` as a `StoreError` with `message`: a `StoreUnavailableError` when the server could not be reached. */
export function storeErrorOf(message: string, cause: unknown): StoreError {
  if (cause instanceof StoreError) return cause;
  return isConnectionFailure(cause) ? new StoreUnavailableError(message, { cause }) : new StoreError(message, { cause });
}

// SQLSTATE class 08 (connection exception), 57P01–57P03 (admin/crash shutdown, cannot connect now),
// 53300 (too many connections): the server is not there for us, whatever the statement.
const UNAVAILABLE_SQLSTATE = /^(?:08...|57P0[1-3]|53300)$/;
const NETWORK_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// What `pg` and `pg-pool` throw without a code when a connection dies or cannot be had in time.
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|not queryable/i;

function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || NETWORK_ERRNO.has(code))) return true;
  if (UNAVAILABLE_MESSAGE.test(error.message)) return true;
  // Node reports a refused dual-stack connect as an AggregateError of the per-address attempts.
  if (error instanceof AggregateError && error.errors.some((inner) => isConnectionFailure(inner, depth + 1))) return true;
  return isConnectionFailure(error.cause, depth + 1);
}

/** Why the store refused a write that breaks a rule of the data (rather than failing). */
export type StoreRejectionReason =
  /** A plan or consumer with that name already exists. */
  | 'name-taken'
  /** The plan still has consumers (consumers.plan_id restricts deletes). */
  | 'plan-in-use'
  /** The plan a consumer refers to does not exist (deleted meanwhile). */
  | 'plan-missing'
  /** A pagination cursor this store did not hand out. */
  | 'bad-cursor';

/**
 * A write or read refused because of the caller's data, not a failure of the
 * store: the admin API maps each reason to BAD_USER_INPUT on the right field.
 */
export class StoreRejection extends StoreError {
  override name = 'StoreRejection';

  constructor(
    readonly reason: StoreRejectionReason,
    message: string,
  ) {
    super(message);
  }
}
