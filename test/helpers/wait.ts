/**
 * Runs `probe` until `done` holds for its value, and says how long that took; fails after
 * `timeoutMs` with the last value. For changes that arrive on their own (another instance's
 * write, a reconnection): the test waits for the change itself, never for a fixed time.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 5_000, intervalMs = 10, what = 'the expected state' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  for (;;) {
    const value = await probe();
    const elapsedMs = performance.now() - started;
    if (done(value)) return { value, elapsedMs };
    if (elapsedMs > timeoutMs) throw new Error(`${what} not reached within ${timeoutMs} ms; last: ${JSON.stringify(value)?.slice(0, 2_000)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
