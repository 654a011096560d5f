import { tracingChannel } from 'node:diagnostics_channel';

/**
 * What the engine tells observers about each subgraph fetch of a plan: usage records, metrics and
 * traces subscribe with `subgraphFetches.subscribe({ start, asyncEnd, error, ... })`. A Node
 * tracing channel costs nothing while no one subscribes (`hasSubscribers` is checked first).
 */
export interface SubgraphFetchEvent {
  /** The subgraph (backend) name. */
  subgraph: string;
  operationType: 'query' | 'mutation' | 'subscription';
  /** The gateway request's GraphQL context (its consumer, request id, logger). */
  context: unknown;
  /** Set by the engine when the fetch ends: error codes the subgraph answered with (`BACKEND_*` included). */
  errorCodes?: string[];
}

export const subgraphFetches = tracingChannel<unknown, SubgraphFetchEvent>('gatehouse:subgraph-fetch');

/** Query planning of one operation, when its plan is not cached yet: metrics time it, traces show it. */
export interface QueryPlanEvent {
  /** The gateway request's GraphQL context. */
  context: unknown;
  operationName: string | null | undefined;
}

export const queryPlans = tracingChannel<unknown, QueryPlanEvent>('gatehouse:query-plan');
