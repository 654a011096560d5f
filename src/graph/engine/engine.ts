import { QueryPlanner, type QueryPlan } from '@graphql-hive/router-query-planner';
import { memoize1, memoize2 } from '@graphql-tools/utils';
import {
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  parse,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { SubgraphExecutor } from '../../sources/types.js';
import { completeRoot } from './complete-response.js';
import { runPlanNode, type PlanRun, type PlanRunner } from './execute-plan.js';
import { queryPlans, type QueryPlanEvent } from './instrumentation.js';
import { plannableSupergraph } from './planner-supergraph.js';
import { TypeRelations } from './type-relations.js';

/**
 * Gatehouse's execution engine: Hive Router's query planner (compiled from Rust) plans each
 * operation once per schema version, document and active override labels; a lean executor runs
 * the plan's fetches against the subgraphs and completes the response from what they returned.
 */
export interface GatewayEngine {
  execute(args: ExecutionArgs): Promise<ExecutionResult>;
}

export interface GatewayEngineOptions {
  supergraphSdl: string;
  /** The API schema clients see: operations were validated against it. */
  schema: GraphQLSchema;
  /** By subgraph name. */
  executors: ReadonlyMap<string, SubgraphExecutor>;
  /** Random number in [0, 1) for progressive `@override(label: "percent(n)")`. @default Math.random */
  random?: () => number;
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

export function createGatewayEngine({ supergraphSdl, schema, executors, random = Math.random }: GatewayEngineOptions): GatewayEngine {
  const supergraph = parse(supergraphSdl, { noLocation: true });
  const planner = new QueryPlanner(plannableSupergraph(supergraph));
  const runner: PlanRunner = { executors, relations: new TypeRelations(supergraph) };
  // Plans live as long as their document: Yoga's parse cache is bounded, so this is too.
  const plans = new WeakMap<DocumentNode, Map<string, QueryPlan | Promise<QueryPlan>>>();
  const percentages = planner.overridePercentages;

  /** The operation's plan: cached, or planned now (only then traced: a cache lookup is no work to observe). */
  function plan(document: DocumentNode, operationName: string | null | undefined, context: unknown): QueryPlan | Promise<QueryPlan> {
    const labels = new Set<string>();
    for (const percentage of percentages) if (random() * 100 < percentage) labels.add(`percent(${percentage})`);
    const key = labels.size ? `${operationName ?? ''}|${[...labels].sort().join('|')}` : (operationName ?? '');
    let byKey = plans.get(document);
    if (!byKey) plans.set(document, (byKey = new Map()));
    const cached = byKey.get(key);
    if (cached) return cached;
    if (!queryPlans.hasSubscribers) return planAndCache(document, operationName, labels, byKey, key);
    const event: QueryPlanEvent = { context, operationName };
    return queryPlans.tracePromise(() => planAndCache(document, operationName, labels, byKey, key), event);
  }

  function planAndCache(document: DocumentNode, operationName: string | null | undefined, labels: Set<string>, byKey: Map<string, QueryPlan | Promise<QueryPlan>>, key: string): Promise<QueryPlan> {
    const planned = planner.planAsync(printed(document), operationName, labels, 0).then((result) => {
      byKey.set(key, result);
      return result;
    });
    // A failed planning is not cached: the next request tries again (and reports again).
    planned.catch(() => byKey.delete(key));
    byKey.set(key, planned);
    return planned;
  }

  async function executeOperation(args: ExecutionArgs): Promise<ExecutionResult> {
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) return { errors: [new GraphQLError('The document has no operation to run (or no operation of that name).')] };
    if (operation.operation === 'subscription') {
      return { errors: [new GraphQLError('Subscriptions are not supported by this gateway.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } })] };
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], (args.variableValues ?? EMPTY) as Record<string, unknown>);
    if (coerced.errors) return { errors: coerced.errors };
    const variables = coerced.coerced;
    const split = splitIntrospection(args.document, operation);
    // GraphiQL's schema query, and anything else asking only the gateway itself.
    if (!split.planned) return execute({ ...args, schema });

    const queryPlan = await plan(split.planned, args.operationName, args.contextValue);
    const run: PlanRun = { data: {}, errors: [], variables, context: args.contextValue };
    if (queryPlan.node) await runPlanNode(queryPlan.node, run, runner);
    const introspection = split.introspection ? await execute({ ...args, schema, document: split.introspection }) : undefined;
    if (introspection?.errors) run.errors.push(...introspection.errors);

    const rootType = schema.getRootType(operation.operation)!;
    const data = completeRoot(
      { schema, fragments: fragmentsOf(args.document), variables, errors: run.errors, introspection: introspection?.data ?? undefined },
      rootType,
      operation.selectionSet,
      run.data,
    );
    return run.errors.length ? { data, errors: run.errors } : { data };
  }

  return { execute: executeOperation };
}

const printed = memoize1((document: DocumentNode) => print(document));

const fragmentsOf = memoize1((document: DocumentNode): Record<string, FragmentDefinitionNode> => {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  return fragments;
});

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

interface SplitOperation {
  /** The operation without root introspection fields, for the planner; undefined when nothing is left to plan. */
  planned: DocumentNode | undefined;
  /** Just the root introspection fields, answered by the gateway; undefined when there are none. */
  introspection: DocumentNode | undefined;
}

/**
 * The planner plans subgraph fields only. Root `__schema`/`__type` are answered from the API
 * schema, and an operation of nothing but those and `__typename` never reaches the planner.
 */
const splitIntrospection = memoize2((document: DocumentNode, operation: OperationDefinitionNode): SplitOperation => {
  const fields = operation.selectionSet.selections;
  const isIntrospection = (selection: (typeof fields)[number]) => selection.kind === Kind.FIELD && INTROSPECTION_FIELDS.has(selection.name.value);
  const isTypename = (selection: (typeof fields)[number]) => selection.kind === Kind.FIELD && selection.name.value === '__typename';
  const introspection = fields.filter(isIntrospection);
  const rest = fields.filter((selection) => !isIntrospection(selection));
  const withRoot = (selections: typeof fields): DocumentNode => ({
    ...document,
    definitions: document.definitions.map((definition) => (definition === operation ? { ...operation, selectionSet: { ...operation.selectionSet, selections } } : definition)),
  });
  return {
    planned: rest.every(isTypename) ? undefined : introspection.length ? withRoot(rest) : document,
    introspection: introspection.length ? withRoot(introspection) : undefined,
  };
});
