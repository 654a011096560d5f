import { isAsyncIterable } from '@graphql-tools/utils';
import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../errors.js';
import type { UsageRecordDraft } from '../../usage/recorder.js';
import type { BackendCall } from '../../usage/types.js';
import type { GatehouseContext, ServerContext } from '../context.js';
import { operationCost } from '../cost/request-cost.js';

export interface UsageRecordingOptions {
  /** Takes one record per operation; must only append to a buffer (see `usage/recorder.ts`). */
  record: (draft: UsageRecordDraft) => void;
  /** The backend calls made for the operation running with a context (see `usage/backend-calls.ts`). */
  backendCallsOf: (context: object) => readonly BackendCall[];
  /** Clock of the records' time, in ms since the epoch. @default Date.now */
  now?: () => number;
}

interface OperationState {
  context: GatehouseContext;
  operationName: string | null;
  executed: { schema: GraphQLSchema; document: DocumentNode; operationName: string | null } | null;
  parsed: DocumentNode | null;
  errorCodes: string[] | null;
}

interface RequestState {
  atMs: number;
  startedAt: number;
  /** In the order of the request's operations (a batch's order). */
  operations: OperationState[];
  /** Errors that ended the request before any operation (authentication, an unreadable body). */
  requestErrorCodes: string[];
}

// The operation did not run, so the rate limiter took nothing for it.
const REFUSED_BY_BUDGET = new Set<unknown>([ErrorCode.RATE_LIMITED, ErrorCode.QUOTA_EXCEEDED]);

/**
 * One usage record per /graphql operation (and one per request refused before any operation):
 * consumer, plan, operation, cost charged, duration, HTTP status, error codes, cache hit and the
 * backend calls. Hooks only keep references in WeakMaps; `onResponse` hands one plain object per
 * operation to `record`, which appends it to a bounded buffer. Hashing the document and listing its
 * schema coordinates happen when the buffer is written, once per document.
 */
export function useUsageRecording({ record, backendCallsOf, now = Date.now }: UsageRecordingOptions): Plugin<GatehouseContext, ServerContext> {
  const requests = new WeakMap<Request, RequestState>();
  const operations = new WeakMap<object, OperationState>();

  return {
    // The first hook of a GraphQL request (GraphiQL's page and other early answers never get here).
    onRequestParse({ request }) {
      requests.set(request, { atMs: now(), startedAt: performance.now(), operations: [], requestErrorCodes: [] });
    },
    onParams({ request, params, context }) {
      const state = requests.get(request);
      if (!state) return;
      // The object the operation's hooks see as their context later (Yoga extends it in place).
      const operation: OperationState = { context: context as GatehouseContext, operationName: params.operationName ?? null, executed: null, parsed: null, errorCodes: null };
      state.operations.push(operation);
      operations.set(context, operation);
    },
    // Kept in case validation fails: the record then still names the operation.
    onValidate({ params, context }) {
      const operation = operations.get(context);
      if (operation) operation.parsed = params.documentAST;
    },
    onExecute({ args }) {
      const operation = operations.get(args.contextValue);
      if (operation) operation.executed = { schema: args.schema, document: args.document, operationName: args.operationName ?? null };
    },
    onExecutionResult({ result, context }) {
      const operation = operations.get(context);
      if (operation && result && !isAsyncIterable(result)) operation.errorCodes = codesOf(result.errors);
    },
    onResultProcess({ request, result }) {
      const state = requests.get(request);
      if (!state || isAsyncIterable(result)) return;
      // Results are in the operations' order; an operation whose hooks threw (onParams) has only this one.
      const results = Array.isArray(result) ? result : [result];
      results.forEach((each, index) => {
        const operation = state.operations[index];
        if (operation) operation.errorCodes ??= codesOf(each.errors);
        else if (index === 0) state.requestErrorCodes = codesOf(each.errors);
      });
    },
    onResponse({ request, response, serverContext }) {
      const state = requests.get(request);
      if (!state) return;
      requests.delete(request);
      const consumer = (serverContext as Partial<GatehouseContext>).consumer;
      const common = {
        atMs: state.atMs,
        consumer: consumer?.name ?? null,
        plan: consumer?.plan.name ?? null,
        durationMs: performance.now() - state.startedAt,
        httpStatus: response.status,
      };
      if (!state.operations.length) {
        record({ ...common, executed: null, operationName: null, cost: null, errorCodes: state.requestErrorCodes, backends: [], cacheHit: false });
        return;
      }
      for (const operation of state.operations) {
        const errorCodes = operation.errorCodes ?? [];
        const refused = errorCodes.some((code) => REFUSED_BY_BUDGET.has(code));
        record({
          ...common,
          executed: operation.executed,
          parsed: operation.parsed,
          operationName: operation.operationName,
          cost: refused ? null : (operationCost(operation.context) ?? null),
          errorCodes,
          backends: backendCallsOf(operation.context),
          // Per operation: in a batch, one may be a hit and the next a miss.
          cacheHit: operation.context.responseCache === 'HIT',
        });
      }
    },
  };
}

function codesOf(errors: readonly GraphQLError[] | undefined): string[] {
  if (!errors?.length) return [];
  // An error without a code (a backend's own) counts as ERROR.
  return errors.map((error) => String(error.extensions?.code ?? 'ERROR'));
}
