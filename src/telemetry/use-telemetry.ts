import { performance } from 'node:perf_hooks';
import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from './metrics.js';
import { observationOf, type ObservedConsumer, type RequestObservation } from './observation.js';
import { ATTR_GRAPHQL_OPERATION_NAME, ATTR_GRAPHQL_OPERATION_TYPE, type Tracing } from './tracing.js';

/** What the telemetry plugin feeds; either may be off. */
export interface GraphQLTelemetry {
  /** Phase timings (parse, validate, execute). */
  metrics: Metrics | undefined;
  /** Spans for parse, validate and execute. */
  tracing: Tracing | undefined;
}

export interface TelemetryPluginOptions {
  /** The static cost admitted for the operation a GraphQL context ran (request path only). @default none */
  costOf?: (context: object) => number | undefined;
}

/** Response header the response cache sets (HIT, MISS, BYPASS). */
export const CACHE_STATUS_HEADER = 'x-gatehouse-cache';

/**
 * Fills the request's observation (see `observation.ts`) as it goes through Yoga: its operations
 * once parsed, the consumer, the cost, the error codes of the answer, its status and cache status.
 * The access log line, the request metrics and the server span are written from it when the
 * answer has been sent. Goes first in the plugin list, so a refusal by any later plugin (rate
 * limits throw in onExecute) is seen with its operation known.
 */
export function useTelemetry({ metrics, tracing }: GraphQLTelemetry, { costOf }: TelemetryPluginOptions = {}): Plugin {
  const timed = metrics !== undefined;
  return {
    // Only with tracing on: instrumentation wraps every phase, and costs nothing when absent.
    ...(tracing && { instrumentation: tracing.graphqlInstrumentation() }),
    onParse({ context }) {
      const observation = observationOf(context);
      if (!observation) return;
      const startedAt = timed ? performance.now() : 0;
      return ({ result }) => {
        if (timed) metrics.observePhase('parse', performance.now() - startedAt);
        if (!result || result instanceof Error) return;
        const operationName = (context as { params?: { operationName?: string | null } }).params?.operationName;
        const operation = getOperationAST(result as DocumentNode, operationName);
        observation.operations.push({ name: operation?.name?.value ?? operationName ?? undefined, type: operation?.operation });
      };
    },
    ...(timed && {
      onValidate() {
        const startedAt = performance.now();
        return () => metrics.observePhase('validate', performance.now() - startedAt);
      },
    }),
    onExecute({ args }) {
      const observation = observationOf(args.contextValue);
      if (!observation) return;
      observation.executed.push(args.contextValue as object);
      if (tracing) {
        const operation = getOperationAST(args.document, args.operationName);
        tracing.annotate({
          ...(operation?.name && { [ATTR_GRAPHQL_OPERATION_NAME]: operation.name.value }),
          ...(operation && { [ATTR_GRAPHQL_OPERATION_TYPE]: operation.operation }),
        });
      }
      if (!timed) return;
      const startedAt = performance.now();
      return { onExecuteDone: () => metrics.observePhase('execute', performance.now() - startedAt) };
    },
    onResultProcess({ result, serverContext }) {
      const observation = observationOf(serverContext);
      if (!observation) return;
      for (const one of Array.isArray(result) ? result : [result]) {
        // Streamed results (subscriptions, @defer) are not served by this gateway.
        for (const error of (one as ExecutionResult).errors ?? []) addCode(observation, error);
      }
    },
    onResponse({ response, serverContext }) {
      const observation = observationOf(serverContext);
      if (!observation) return;
      observation.status = response.status;
      observation.cacheStatus = response.headers.get(CACHE_STATUS_HEADER) ?? undefined;
      // Authentication puts the consumer on the server context (see `useConsumerAuth`).
      observation.consumer = (serverContext as { consumer?: ObservedConsumer }).consumer;
      if (costOf) observation.cost = totalCost(observation, costOf);
    },
  };
}

function addCode(observation: RequestObservation, error: GraphQLError): void {
  const code = error.extensions?.code;
  if (typeof code === 'string') observation.errorCodes.add(code);
}

function totalCost(observation: RequestObservation, costOf: (context: object) => number | undefined): number | undefined {
  let total: number | undefined;
  for (const context of observation.executed) {
    const cost = costOf(context);
    if (cost !== undefined) total = (total ?? 0) + cost;
  }
  return total;
}
