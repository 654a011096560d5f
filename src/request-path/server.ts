import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { AuthConfig, LimitsConfig } from '../config/schema.js';
import { schemaUnavailable } from '../errors.js';
import type { ServedGraph } from '../graph/generation.js';
import type { Logger } from '../log.js';
import { createGraphiQLPage, type GraphiQLHeaders } from '../http/graphiql.js';
import { maskUnexpectedErrors } from '../http/mask-error.js';
import type { ServerContext } from '../http/context.js';
import { useErrorResponses } from '../http/plugins/use-error-responses.js';
import { useResponseCompression } from '../http/plugins/use-response-compression.js';
import { DEFAULT_COST_DIRECTIVE_NAMES } from './cost/cost-directives.js';
import { createParseCaches, type DocumentCacheOptions } from './document-cache.js';
import type { Budget } from '../store/counters/budget.js';
import { useCsrfPrevention } from './plugins/use-csrf-prevention.js';
import { useDocumentLimits } from './plugins/use-document-limits.js';
import { useIntrospectionPolicy } from './plugins/use-introspection-policy.js';
import { useQueryCost } from './plugins/use-query-cost.js';
import { useRateLimit } from './plugins/use-rate-limit.js';
import { useRequestLimits } from './plugins/use-request-limits.js';
import { useTrustedDocuments } from './plugins/use-trusted-documents.js';
import { useUsageRecording, type UsageRecordingOptions } from './plugins/use-usage-recording.js';
import type { ConsumerLookupStore } from './plugins/consumer-auth/consumer-resolver.js';
import type { ConsumerChanges } from './consumer-changes.js';
import { useConsumerAuth } from './plugins/use-consumer-auth.js';
import { useFieldAuthorization } from './plugins/use-field-authorization.js';
import { useGenerationEngine } from './plugins/use-generation-engine.js';
import type { ResponseCache } from './plugins/response-cache/response-cache.js';
import { useResponseCache } from './plugins/use-response-cache.js';
import { useRequestId } from '../http/plugins/use-request-id.js';
import { useVariableErrorCodes } from '../http/plugins/use-variable-error-codes.js';
import { yogaLogger } from '../http/yoga-logger.js';
import { useTelemetry, type GraphQLTelemetry } from '../telemetry/use-telemetry.js';
import { operationCost } from './cost/request-cost.js';

export interface RequestPathOptions {
  served: ServedGraph;
  log: Logger;
  graphiql: {
    enabled: boolean;
    defaultQuery: string | undefined;
    /** The headers tab's first content, asked per page view; undefined: the API key header, empty. */
    headers?: () => GraphiQLHeaders | undefined;
  };
  /** Bounds of the parse cache (documents and parse errors by text); validation is cached per (schema, document). */
  documentCache: DocumentCacheOptions;
  /** Keys, consumers and plans, read by authentication (behind its own short cache). */
  store: ConsumerLookupStore;
  auth: AuthConfig;
  limits: LimitsConfig;
  /** The registered trusted document with this `sha256:<hex>` hash (behind an LRU). */
  getTrustedDocument: (hash: string) => Promise<string | undefined>;
  /** Rate limits and quotas (in memory, or shared on Redis). @default an `InMemoryBudget` */
  budget?: Budget;
  /** Clock of rate limits and quotas, in ms since the epoch. @default Date.now */
  now?: () => number;
  /** Changes to consumers, plans, keys and trusted documents made on any instance (drop cached lookups). @default none */
  consumerChanges?: ConsumerChanges;
  /** The response cache; undefined: off (`GATEHOUSE_RESPONSE_CACHE=false`), every answer says BYPASS. */
  responseCache?: ResponseCache;
  /** Metrics and traces of each operation (access lines are written from them too). @default off */
  telemetry?: GraphQLTelemetry;
  /** Usage records (`GATEHOUSE_USAGE`); undefined: none. */
  usage?: UsageRecordingOptions | undefined;
}

export type RequestPathServer = YogaServerInstance<ServerContext, object>;

/** `/graphql`: the consumers' endpoint, serving whatever generation is current when a request starts. */
export function createRequestPath({
  served,
  log,
  graphiql,
  documentCache,
  store,
  auth,
  limits,
  getTrustedDocument,
  budget,
  now,
  consumerChanges,
  responseCache,
  telemetry,
  usage,
}: RequestPathOptions): RequestPathServer {
  // Every plugin left out here reads `context.consumer`; without authentication there is none.
  const managed = <T>(plugins: () => T[]): T[] => (auth.apiManagement ? plugins() : []);
  if (!auth.apiManagement) {
    log.warn('API management is off: no authentication, plans, cost or rate limits; @authenticated fields are served to anyone');
  }

  const graphiqlPage =
    graphiql.enabled &&
    createGraphiQLPage({
      title: 'Gatehouse',
      storageNamespace: 'gatehouse',
      defaultQuery: graphiql.defaultQuery,
      // Empty by default, so users see where their key goes (an empty header counts as absent).
      headers: () => graphiql.headers?.() ?? (auth.apiManagement ? { [auth.apiKeyHeader]: '' } : {}),
    });
  const { documentCache: parsedDocuments, errorCache } = createParseCaches(documentCache);
  return createYoga<ServerContext, object>({
    graphqlEndpoint: '/graphql',
    // Resolved once per request: a request keeps its generation even if a swap happens mid-flight.
    schema: () => served.current?.schema ?? Promise.reject(schemaUnavailable()),
    graphiql: graphiqlPage ? graphiqlPage.options : false,
    ...(graphiqlPage && { renderGraphiQL: graphiqlPage.render }),
    landingPage: false,
    logging: yogaLogger(log),
    // Parse once per query text, within a budget of entries and bytes; validation results hang off
    // the schema, so they die with its generation.
    parserAndValidationCache: { documentCache: parsedDocuments, errorCache, validationCache: true },
    // isDev: false whatever NODE_ENV says, or Yoga would add the cause of a masked error to it.
    maskedErrors: { maskError: maskUnexpectedErrors, isDev: false },
    // Yoga's batch limit stays as a backstop; useRequestLimits refuses first, with QUERY_TOO_COMPLEX.
    // Its body limit would wrap every body in a second counting stream: useRequestLimits does that
    // job alone (declared lengths up front, chunked bodies as they stream).
    batching: { limit: limits.maxBatchOperations },
    maxRequestBodySize: false,
    // Hive's persisted-document requests name the document in `documentId`.
    extraParamNames: ['documentId'],
    plugins: [
      // First: it sees every operation before any later plugin can refuse it (rate limits throw in
      // onExecute), and its spans wrap parsing, validation and execution whole.
      ...(telemetry ? [useTelemetry(telemetry, { costOf: operationCost })] : []),
      useRequestId(),
      // Takes internals out of every error and keeps our codes' statuses for both media types; it
      // only rewrites results on their way out, so its place in the list is free.
      useErrorResponses(),
      // Before authentication, so a refused request is recorded too and the duration starts before
      // it; its onExecute sees the document before field authorization redacts it.
      ...(usage ? [useUsageRecording(usage)] : []),
      // Authentication first. It runs in onRequestParse, before the body is read or parsed, so a
      // request without valid credentials costs no parsing and no limit budget; every later plugin
      // (cost, rate limits, field authorization) relies on `context.consumer` being set.
      ...managed(() => [useConsumerAuth({ store, ...auth, now, changes: consumerChanges })]),
      // Refuses what a browser could send cross-site without a CORS preflight, before the body is read.
      useCsrfPrevention(),
      // Body size, GET query length and batch size need no consumer and no document: checked in
      // onRequestParse, where the body limit wraps whichever request parser Yoga picked.
      useRequestLimits(limits),
      // onParams: after authentication (the plan says whether only trusted documents are allowed)
      // and before parsing, so an untrusted text is never parsed; an id is swapped for its text here.
      ...managed(() => [useTrustedDocuments({ getDocument: getTrustedDocument, changes: consumerChanges })]),
      // Tokens while parsing; depth, aliases, directives and width right after parsing, before
      // validation (its overlapping-fields check is quadratic in aliases); the plan's depth at onExecute.
      useDocumentLimits(limits),
      ...managed(() => [
        // onExecute, before field authorization: introspection isn't governed by it, and is refused whole.
        useIntrospectionPolicy(),
        // Removes the fields the consumer may not see from the document in onExecute, before any
        // plugin that prices or caches the document executed, and before anything reaches a backend.
        useFieldAuthorization(),
        // After field authorization, so it prices the operation that will run; the plan's maxCost.
        useQueryCost({
          defaultListSize: limits.defaultListSize,
          exposeCost: limits.exposeCost,
          // The stitched schema keeps @cost/@listSize but not the supergraph's @link naming them.
          directiveNames: (schema) => {
            const current = served.current;
            return current?.schema === schema ? current.costDirectiveNames : DEFAULT_COST_DIRECTIVE_NAMES;
          },
        }),
        // After the cost: it spends the admitted cost, and a refused operation has spent nothing.
        useRateLimit({ budget, now }),
      ]),
      useVariableErrorCodes(),
      // It replaces graphql-js execution with the generation's engine, for whatever document the
      // plugins above left (field authorization may have redacted it).
      useGenerationEngine(),
      // After every plugin above: a hit must not skip anything (authentication, limits, field
      // authorization, cost, rate limit all ran in their hooks, and a hit spends its static cost like
      // any request); the key takes the document as field authorization left it, and a miss wraps the
      // engine's execute. Outside `managed`: without API management every caller is anonymous, and
      // only public answers are cached.
      useResponseCache({ cache: responseCache }),
      // Last: its onResponse compresses the answer with every header the others set.
      useResponseCompression(),
    ],
  });
}
