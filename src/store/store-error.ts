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
