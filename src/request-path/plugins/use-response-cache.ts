import { isAsyncIterable } from '@graphql-tools/utils';
import { getOperationAST, type DocumentNode, type ExecutionArgs, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { generationOf, type Generation } from '../../graph/generation.js';
import type { CacheScope } from '../../graph/cache-hints.js';
import type { GatehouseContext } from '../context.js';
import { cacheKeyOf } from './response-cache/cache-key.js';
import { collectEntities, markedDocument, type ResponseEntities } from './response-cache/entity-markers.js';
import { operationPolicy, type OperationPolicy } from './response-cache/operation-policy.js';
import type { CachePolicies } from './response-cache/policy-book.js';
import type { ResponseCache } from './response-cache/response-cache.js';
import { answerTags } from './response-cache/tags.js';

export interface ResponseCacheOptions {
  /** The cache (storage, policies, invalidation); undefined: nothing is cached and every answer says `BYPASS`. */
  cache: ResponseCache | undefined;
  /** Response header saying what the cache did: `HIT`, `MISS` or `BYPASS`. @default 'x-gatehouse-cache' */
  statusHeader?: string;
}

/** What the cache did for one operation of a request. */
type Outcome =
  | { status: 'HIT'; scope: CacheScope; maxAgeSeconds: number; ageSeconds: number }
  | { status: 'MISS'; stored?: { scope: CacheScope; maxAgeSeconds: number } }
  | { status: 'BYPASS' };

const BYPASS: Outcome = Object.freeze({ status: 'BYPASS' });

/**
 * Serves answers of queries from the response cache, after everything else the request passes
 * through: authentication, limits, field authorization, cost and the rate limit have run when a
 * hit is served, so a hit is authenticated and spends its static cost like any other request.
 * Only queries whose every field has a `maxAge` (an admin policy or `@cacheControl`) are cached;
 * answers with errors never are. A mutation invalidates the entities it returns. Every response
 * says what happened (`x-gatehouse-cache`) and how it may be cached (`Cache-Control`, `Age`).
 * Must come after `useGenerationEngine`: a miss runs the engine the plugins before it set.
 */
export function useResponseCache({ cache, statusHeader = 'x-gatehouse-cache' }: ResponseCacheOptions): Plugin<GatehouseContext> {
  const outcomes = new WeakMap<Request, Outcome[]>();
  const record = (context: GatehouseContext, outcome: Outcome) => {
    context.responseCache = outcome.status;
    const { request } = context;
    if (!request) return;
    const list = outcomes.get(request);
    if (list) list.push(outcome);
    else outcomes.set(request, [outcome]);
  };

  // Per generation (hints, schema), admin policies (a new map per change) and document.
  const policies = new WeakMap<Generation, WeakMap<CachePolicies, WeakMap<DocumentNode, Map<string, OperationPolicy>>>>();
  const policyOf = (generation: Generation, rules: CachePolicies, document: DocumentNode, operation: OperationDefinitionNode): OperationPolicy => {
    let byRules = policies.get(generation);
    if (!byRules) policies.set(generation, (byRules = new WeakMap()));
    let byDocument = byRules.get(rules);
    if (!byDocument) byRules.set(rules, (byDocument = new WeakMap()));
    let byOperation = byDocument.get(document);
    if (!byOperation) byDocument.set(document, (byOperation = new Map()));
    const name = operation.name?.value ?? '';
    let policy = byOperation.get(name);
    if (!policy) {
      // Admin policies override the subgraphs' hints, coordinate by coordinate.
      policy = operationPolicy(generation.schema, document, operation, (coordinate) => rules.get(coordinate) ?? generation.cacheHints.get(coordinate));
      byOperation.set(name, policy);
    }
    return policy;
  };

  return {
    // Synchronous unless the cache is read: a promise here sends every later onExecute hook down
    // the slower asynchronous path, for operations the cache never holds.
    onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      const context = args.contextValue as GatehouseContext;
      const generation = generationOf(args.schema);
      const operation = getOperationAST(args.document, args.operationName);
      if (!cache || !generation || !operation) return void record(context, BYPASS);

      if (operation.operation === 'mutation') {
        record(context, BYPASS);
        setExecuteFn(async (executionArgs: ExecutionArgs) => {
          const result = await runMarked(generation, executeFn, executionArgs);
          if (result.data) await cache.invalidateReturned(collectEntities(generation, result.data));
          return result;
        });
        return;
      }
      if (operation.operation !== 'query') return void record(context, BYPASS);

      const policy = policyOf(generation, cache.policies.current, args.document, operation);
      if (policy.maxAgeSeconds <= 0) return void record(context, BYPASS);
      const key = cacheKeyOf({
        generation,
        document: args.document,
        operationName: args.operationName,
        variables: args.variableValues,
        maxAgeSeconds: policy.maxAgeSeconds,
        scope: policy.scope,
        consumer: context.consumer,
      });
      if (key === undefined) return void record(context, BYPASS);

      return cache.read(key).then((cached) => {
        if (cached) {
          const ageSeconds = Math.max(0, Math.floor((cache.now() - cached.storedAt) / 1_000));
          record(context, { status: 'HIT', scope: cached.scope, maxAgeSeconds: cached.maxAgeSeconds, ageSeconds });
          // The plugins before this one still see the answer on its way out (their onExecuteDone).
          setResultAndStopExecution({ data: cached.data });
          return;
        }

        const outcome: Extract<Outcome, { status: 'MISS' }> = { status: 'MISS' };
        record(context, outcome);
        let held: ResponseEntities | undefined;
        setExecuteFn(async (executionArgs: ExecutionArgs) => {
          const result = await runMarked(generation, executeFn, executionArgs);
          held = result.data ? collectEntities(generation, result.data) : undefined;
          return result;
        });
        return {
          async onExecuteDone({ result }: { result: ExecutionResult | AsyncIterableIterator<ExecutionResult> }) {
            if (isAsyncIterable(result) || result.errors?.length || !result.data || !held) return;
            const { maxAgeSeconds, scope } = policy;
            await cache.write(key, { data: result.data as Record<string, unknown>, storedAt: cache.now(), maxAgeSeconds, scope }, answerTags(policy.typeNames, held));
            outcome.stored = { scope, maxAgeSeconds };
          },
        };
      });
    },
    onResponse({ request, response }) {
      const list = outcomes.get(request) ?? [BYPASS];
      response.headers.set(statusHeader, list.every((outcome) => outcome.status === 'HIT') ? 'HIT' : list.some((outcome) => outcome.status !== 'BYPASS') ? 'MISS' : 'BYPASS');
      if (response.headers.has('cache-control')) return;
      const cacheable = list.map((outcome) => (outcome.status === 'HIT' ? outcome : outcome.status === 'MISS' ? outcome.stored : undefined));
      if (!cacheable.every((policy) => policy !== undefined)) {
        response.headers.set('cache-control', 'no-store');
        return;
      }
      const maxAge = Math.min(...cacheable.map((policy) => policy!.maxAgeSeconds));
      const isPrivate = cacheable.some((policy) => policy!.scope === 'PRIVATE');
      response.headers.set('cache-control', `max-age=${maxAge}, ${isPrivate ? 'private' : 'public'}`);
      // HTTP caches count a public answer's freshness from when it was stored here.
      if (!isPrivate && list.every((outcome) => outcome.status === 'HIT')) {
        response.headers.set('age', String(Math.max(...list.map((outcome) => (outcome as Extract<Outcome, { status: 'HIT' }>).ageSeconds))));
      }
    },
  };
}

/** Runs the operation with the fields that name its objects added; the answer comes back without them. */
async function runMarked(generation: Generation, executeFn: (args: ExecutionArgs) => unknown, args: ExecutionArgs): Promise<ExecutionResult> {
  // A copy: the arguments are the request's, other plugins read them after execution. The
  // engine answers with one result (it serves no incremental delivery).
  return (await executeFn({ ...args, document: markedDocument(generation, args.document) })) as ExecutionResult;
}
