import type { ExecutionArgs, ExecutionResult, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isAsyncIterable } from '@graphql-tools/utils';
import { queryTooComplex } from '../../errors.js';
import type { GatehouseContext } from '../context.js';
import { createCostCalculator } from '../cost/calculate-cost.js';
import type { CostDirectiveNames } from '../cost/cost-directives.js';
import { setOperationCost } from '../cost/request-cost.js';

export interface QueryCostOptions {
  /** List size assumed for a list field without a slicing argument value or `@listSize(assumedSize:)`. @default 10 */
  defaultListSize?: number;
  /** Add `extensions.cost` to every response; otherwise only when the request sends `x-gatehouse-cost: true`. @default false */
  exposeCost?: boolean;
  /** Highest cost for every consumer, on top of their plan's `maxCost`. @default undefined (only plans limit) */
  maxCost?: number;
  /** What `@cost` and `@listSize` are called in a schema (a supergraph may rename them). @default `cost`, `listSize` */
  directiveNames?: (schema: GraphQLSchema) => CostDirectiveNames;
  /** Request header with which a client asks for `extensions.cost`. @default 'x-gatehouse-cost' */
  exposeHeader?: string;
}

/**
 * Static cost analysis (`@cost` / `@listSize`, see `cost/calculate-cost.ts`)
 * after validation and before execution: an operation over the plan's
 * `maxCost` is refused with `QUERY_TOO_COMPLEX` before any backend is called.
 * The admitted cost is left for the rate limiter (`cost/request-cost.ts`).
 */
export function useQueryCost({
  defaultListSize = 10,
  exposeCost = false,
  maxCost,
  directiveNames,
  exposeHeader = 'x-gatehouse-cost',
}: QueryCostOptions = {}): Plugin<GatehouseContext> {
  const costOf = createCostCalculator({ defaultListSize, directiveNames });

  function admit(args: ExecutionArgs) {
    const context = args.contextValue as GatehouseContext;
    const estimated = costOf(args.schema, args.document, args.operationName)(args.variableValues);
    const planMax = context.consumer?.plan.maxCost ?? undefined;
    const max = planMax === undefined ? maxCost : maxCost === undefined ? planMax : Math.min(planMax, maxCost);
    if (max !== undefined && estimated > max) throw queryTooComplex('cost', estimated, max);
    setOperationCost(context, estimated);
    const exposed = exposeCost || context.request?.headers.get(exposeHeader)?.trim().toLowerCase() === 'true';
    return exposed ? { estimated, ...(max === undefined ? {} : { max }) } : undefined;
  }

  const withCost = (cost: { estimated: number; max?: number }) => ({
    onExecuteDone({ result, setResult }: { result: ExecutionResult | AsyncIterable<ExecutionResult>; setResult: (result: ExecutionResult) => void }) {
      // Streamed results (subscriptions, @defer) carry no cost extension.
      if (isAsyncIterable(result)) return;
      setResult({ ...result, extensions: { ...result.extensions, cost } });
    },
  });

  return {
    onExecute({ args }) {
      const cost = admit(args);
      return cost && withCost(cost);
    },
    onSubscribe({ args }) {
      admit(args);
    },
  };
}
