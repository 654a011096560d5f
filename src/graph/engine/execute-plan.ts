import type { BatchFetchNode, FetchNode, FlattenNodePathSegment, PlanNode } from '@graphql-hive/router-query-planner';
import { createGraphQLError } from '@graphql-tools/utils';
import { Kind, parse, type DocumentNode, type GraphQLError, type OperationDefinitionNode } from 'graphql';
import { backendUnavailable } from '../../errors.js';
import type { SubgraphExecutor, SubgraphRequest } from '../../sources/types.js';
import { applyRewrites, entitiesAt, mergeInto, representationKey, representationOf, type EntityAt, type ResponseObject, type ResponsePath } from './entities.js';
import { subgraphFetches, type SubgraphFetchEvent } from './instrumentation.js';
import type { TypeRelations } from './type-relations.js';

/** One run of a query plan: the response data assembled so far and the errors met. */
export interface PlanRun {
  readonly data: ResponseObject;
  readonly errors: GraphQLError[];
  /** The operation's coerced variables. */
  readonly variables: Readonly<Record<string, unknown>>;
  /** The gateway request's context, handed to every subgraph call. */
  readonly context: unknown;
}

export interface PlanRunner {
  executors: ReadonlyMap<string, SubgraphExecutor>;
  relations: TypeRelations;
}

/** Runs a plan node: fetches in sequence or in parallel, each merged into the response as it lands. */
export function runPlanNode(node: PlanNode, run: PlanRun, runner: PlanRunner): Promise<void> | void {
  switch (node.kind) {
    case 'Sequence':
      return node.nodes.reduce<Promise<void> | void>((previous, next) => (previous ? previous.then(() => runPlanNode(next, run, runner)) : runPlanNode(next, run, runner)), undefined);
    case 'Parallel': {
      const pending = node.nodes.map((child) => runPlanNode(child, run, runner)).filter((result): result is Promise<void> => result !== undefined);
      return pending.length ? Promise.all(pending).then(() => undefined) : undefined;
    }
    case 'Fetch':
      return runRootFetch(node, run, runner);
    case 'Flatten':
      if (node.node.kind !== 'Fetch') throw new Error(`Unsupported plan node under Flatten: ${node.node.kind}`);
      return runEntityFetch(node.node, node.path, run, runner);
    case 'BatchFetch':
      return runBatchFetch(node, run, runner);
    case 'Condition': {
      const branch = run.variables[node.condition] === true ? node.ifClause : node.elseClause;
      return branch ? runPlanNode(branch, run, runner) : undefined;
    }
    default:
      throw new Error(`Unsupported plan node: ${node.kind}`);
  }
}

async function runRootFetch(fetch: FetchNode, run: PlanRun, runner: PlanRunner): Promise<void> {
  const result = await send(fetch, selectVariables(run.variables, fetch.variableUsages), run, runner);
  if (!result) return;
  for (const error of result.errors ?? []) run.errors.push(error.path ? error : relocated(error, defaultErrorPath(fetch)));
  const data = applyRewrites(result.data, fetch.outputRewrites, runner.relations);
  if (data && typeof data === 'object') mergeInto(run.data, data as ResponseObject);
}

/** The entities a fetch extends, their representations (deduplicated) and where each entity sits. */
interface EntityBatch {
  targets: EntityAt[];
  /** For each target, its representation's index in `representations`. */
  order: number[];
  representations: ResponseObject[];
}

function collectBatch(fetch: Pick<FetchNode, 'requires' | 'inputRewrites'>, paths: ReadonlyArray<readonly FlattenNodePathSegment[]>, run: PlanRun, runner: PlanRunner, batch?: EntityBatch): EntityBatch {
  const into = batch ?? { targets: [], order: [], representations: [] };
  const indexByKey = new Map<string, number>(into.representations.map((representation, index) => [representationKey(representation), index]));
  for (const path of paths) {
    for (const target of entitiesAt(run.data, path, runner.relations)) {
      if (typeof target.entity.__typename !== 'string') continue;
      const projected = representationOf(fetch.requires ?? [], target.entity, runner.relations);
      if (!projected) continue;
      const representation = applyRewrites(projected, fetch.inputRewrites, runner.relations) as ResponseObject;
      const key = representationKey(representation);
      let index = indexByKey.get(key);
      if (index === undefined) {
        index = into.representations.push(representation) - 1;
        indexByKey.set(key, index);
      }
      into.targets.push(target);
      into.order.push(index);
    }
  }
  return into;
}

async function runEntityFetch(fetch: FetchNode, path: readonly FlattenNodePathSegment[], run: PlanRun, runner: PlanRunner): Promise<void> {
  const batch = collectBatch(fetch, [path], run, runner);
  if (batch.representations.length === 0) return;
  const variables = { ...selectVariables(run.variables, fetch.variableUsages), representations: batch.representations };
  const result = await send(fetch, variables, run, runner, batch.targets[0]?.path);
  if (!result) return;
  const data = applyRewrites(result.data, fetch.outputRewrites, runner.relations) as ResponseObject | null | undefined;
  mergeEntities(data?._entities, batch);
  relocateEntityErrors(result.errors, '_entities', batch, fetch, run);
}

async function runBatchFetch(node: BatchFetchNode, run: PlanRun, runner: PlanRunner): Promise<void> {
  // Aliases sharing a representations variable share one list, so their indexes agree.
  const byVariable = new Map<string, EntityBatch>();
  const aliases = node.entityBatch.aliases.map((alias) => {
    const batch = collectBatch(alias, alias.paths, run, runner, byVariable.get(alias.representationsVariableName));
    byVariable.set(alias.representationsVariableName, batch);
    return { alias, batch };
  });
  if (aliases.every(({ batch }) => batch.representations.length === 0)) return;
  const variables: Record<string, unknown> = { ...selectVariables(run.variables, node.variableUsages) };
  for (const [name, batch] of byVariable) variables[name] = batch.representations;
  const result = await send(node, variables, run, runner, aliases[0]?.batch.targets[0]?.path);
  if (!result) return;
  for (const { alias, batch } of aliases) {
    const data = applyRewrites(result.data, alias.outputRewrites, runner.relations) as ResponseObject | null | undefined;
    mergeEntities(data?.[alias.alias], batch);
  }
  const errors = result.errors ?? [];
  for (const { alias, batch } of aliases) {
    relocateEntityErrors(errors.filter((error) => error.path?.[0] === alias.alias), alias.alias, batch, node, run);
  }
  for (const error of errors) {
    if (!aliases.some(({ alias }) => error.path?.[0] === alias.alias)) run.errors.push(relocated(error, aliases[0]?.batch.targets[0]?.path ?? []));
  }
}

function mergeEntities(returned: unknown, batch: EntityBatch): void {
  if (!Array.isArray(returned)) return;
  batch.targets.forEach((target, index) => {
    const entity = returned[batch.order[index]!];
    if (entity !== null && typeof entity === 'object') mergeInto(target.entity, entity as ResponseObject);
  });
}

/** `_entities.3.stock` → the path of every entity sent as representation 3, then `stock`. */
function relocateEntityErrors(errors: readonly GraphQLError[] | undefined, field: string, batch: EntityBatch, fetch: FetchNode | BatchFetchNode, run: PlanRun): void {
  for (const error of errors ?? []) {
    const path = error.path;
    const index = path && path[0] === field && typeof path[1] === 'number' ? path[1] : undefined;
    if (index === undefined) {
      run.errors.push(relocated(error, [...(batch.targets[0]?.path ?? []), ...firstEntityField(fetch)]));
      continue;
    }
    const tail = path!.slice(2);
    let placed = false;
    batch.order.forEach((representation, target) => {
      if (representation !== index) return;
      run.errors.push(relocated(error, [...batch.targets[target]!.path, ...tail]));
      placed = true;
    });
    if (!placed) run.errors.push(relocated(error, [...(batch.targets[0]?.path ?? [])]));
  }
}

/**
 * Calls the subgraph. A transport failure is an error in the result (the executors turn every
 * failure into a `BACKEND_*` error), so the rest of the plan runs and the fields stay null.
 */
async function send(fetch: FetchNode | BatchFetchNode, variables: Record<string, unknown> | undefined, run: PlanRun, runner: PlanRunner, path?: ResponsePath) {
  const executor = runner.executors.get(fetch.serviceName);
  if (!executor) {
    run.errors.push(relocated(backendUnavailable(fetch.serviceName), path ?? []));
    return undefined;
  }
  const request: SubgraphRequest = {
    query: fetch.operation,
    get document() {
      return documentOf(fetch);
    },
    operationName: fetch.operationName,
    operationType: fetch.operationKind ?? 'query',
    variables,
    context: run.context,
  };
  if (!subgraphFetches.hasSubscribers) return executor(request);
  const event: SubgraphFetchEvent = { subgraph: fetch.serviceName, operationType: request.operationType, context: run.context };
  return subgraphFetches.tracePromise(async () => {
    const result = await executor(request);
    event.errorCodes = result.errors?.map((error) => String(error.extensions?.code ?? 'SUBGRAPH_ERROR'));
    return result;
  }, event);
}

const documents = new WeakMap<object, DocumentNode>();

/** The fetch's operation parsed, once per plan (plans are cached, so fetch nodes are too). */
function documentOf(fetch: FetchNode | BatchFetchNode): DocumentNode {
  let document = documents.get(fetch);
  if (!document) {
    document = parse(fetch.operation, { noLocation: true });
    documents.set(fetch, document);
  }
  return document;
}

function selectVariables(variables: Readonly<Record<string, unknown>>, usages: readonly string[] | undefined): Record<string, unknown> | undefined {
  if (!usages?.length) return undefined;
  const selected: Record<string, unknown> = {};
  for (const name of usages) if (name in variables) selected[name] = variables[name];
  return selected;
}

function operationOf(fetch: FetchNode | BatchFetchNode): OperationDefinitionNode | undefined {
  return documentOf(fetch).definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
}

/** Where an error without a path lands: the first field the fetch asked for. */
function defaultErrorPath(fetch: FetchNode): ResponsePath {
  const first = operationOf(fetch)?.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
  return first && first.kind === Kind.FIELD ? [first.alias?.value ?? first.name.value] : [];
}

/** The first field an entity fetch asks for (`stock` in `_entities { ... on Product { stock } }`). */
function firstEntityField(fetch: FetchNode | BatchFetchNode): ResponsePath {
  const entities = operationOf(fetch)?.selectionSet.selections[0];
  if (!entities || entities.kind !== Kind.FIELD) return [];
  for (const selection of entities.selectionSet?.selections ?? []) {
    const fields = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet.selections : [selection];
    const field = fields.find((candidate) => candidate.kind === Kind.FIELD && candidate.name.value !== '__typename');
    if (field && field.kind === Kind.FIELD) return [field.alias?.value ?? field.name.value];
  }
  return [];
}

function relocated(error: GraphQLError, path: ResponsePath): GraphQLError {
  return createGraphQLError(error.message, { path, extensions: error.extensions, originalError: error.originalError ?? undefined });
}
