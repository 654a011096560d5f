/**
 * Costs as constants or functions of a request's variables. Combining
 * constants folds them, so an operation whose cost no variable affects ends up
 * a plain number and a request pays nothing to price it.
 */

export type Variables = Readonly<Record<string, unknown>>;

export interface Scope {
  variables: Variables;
  /** Fragment costs already evaluated in this call: a fragment spread many times is evaluated once. */
  memo: Map<object, number>;
}

/** A number when no variable affects it. */
export type Cost = number | ((scope: Scope) => number);
/** An expected list size; null when nothing states one. */
export type Size = number | null | ((scope: Scope) => number | null);
export type Condition = boolean | ((scope: Scope) => boolean);

export const valueIn = <T>(value: T | ((scope: Scope) => T), scope: Scope): T =>
  typeof value === 'function' ? (value as (scope: Scope) => T)(scope) : value;

export function sum(costs: Cost[]): Cost {
  let constant = 0;
  const dynamic: Array<(scope: Scope) => number> = [];
  for (const cost of costs) {
    if (typeof cost === 'number') constant += cost;
    else dynamic.push(cost);
  }
  if (dynamic.length === 0) return constant;
  return (scope) => {
    let total = constant;
    for (const cost of dynamic) total += cost(scope);
    return total;
  };
}

export function product(a: Cost, b: Cost): Cost {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (a === 0 || b === 0) return 0;
  return (scope) => valueIn(a, scope) * valueIn(b, scope);
}

export function when(condition: Condition, cost: Cost): Cost {
  if (condition === true || cost === 0) return cost;
  if (condition === false) return 0;
  return (scope) => (condition(scope) ? valueIn(cost, scope) : 0);
}

export function orElse(size: Size, fallback: Cost): Cost {
  if (typeof size === 'number') return size;
  if (size === null) return fallback;
  return (scope) => size(scope) ?? valueIn(fallback, scope);
}
