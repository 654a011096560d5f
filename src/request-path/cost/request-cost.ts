/**
 * The static cost of the operation a context is executing, set by
 * `useQueryCost` once the cost is admitted and read by `useRateLimit`, which
 * runs after it. Keyed on the context object: each operation of a batch has
 * its own, and the entry goes with it.
 */
const costs = new WeakMap<object, number>();

export function setOperationCost(context: object, cost: number): void {
  costs.set(context, cost);
}

export function operationCost(context: object): number | undefined {
  return costs.get(context);
}
