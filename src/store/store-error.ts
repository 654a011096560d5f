/**
 * A store operation failed. The message says which operation, never the SQL
 * or the server's text (those are in `cause`, for the log); callers mask it
 * like any unexpected error.
 */
export class StoreError extends Error {
  override name = 'StoreError';
}

/** Runs a database operation, replacing whatever it throws by a `StoreError` that names `what`. */
export async function attempt<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(`Could not ${what}.`, { cause: error });
  }
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
