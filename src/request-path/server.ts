import { createLRUCache, createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { DocumentNode } from 'graphql';
import { schemaUnavailable } from '../errors.js';
import type { ServedGraph } from '../graph/generation.js';
import type { Logger } from '../log.js';
import { maskUnexpectedErrors } from './mask-error.js';
import type { ServerContext } from './context.js';
import { useRequestId } from './plugins/use-request-id.js';
import { useVariableErrorCodes } from './plugins/use-variable-error-codes.js';
import { yogaLogger } from './yoga-logger.js';

export interface RequestPathOptions {
  served: ServedGraph;
  log: Logger;
  graphiql: { enabled: boolean; defaultQuery: string | undefined };
  /** Parsed documents kept; validation results are cached per (schema, document). @default 1000 */
  documentCacheSize: number;
}

export type RequestPathServer = YogaServerInstance<ServerContext, object>;

/** `/graphql`: the consumers' endpoint, serving whatever generation is current when a request starts. */
export function createRequestPath({ served, log, graphiql, documentCacheSize }: RequestPathOptions): RequestPathServer {
  return createYoga<ServerContext, object>({
    graphqlEndpoint: '/graphql',
    // Resolved once per request: a request keeps its generation even if a swap happens mid-flight.
    schema: () => served.current?.schema ?? Promise.reject(schemaUnavailable()),
    graphiql: graphiql.enabled ? { title: 'Gatehouse', defaultQuery: graphiql.defaultQuery } : false,
    landingPage: false,
    logging: yogaLogger(log),
    // Parse once per query text; validation results hang off the schema, so they die with its generation.
    parserAndValidationCache: {
      documentCache: createLRUCache<DocumentNode>({ max: documentCacheSize }),
      errorCache: createLRUCache<object>({ max: documentCacheSize }),
      validationCache: true,
    },
    maskedErrors: { maskError: maskUnexpectedErrors },
    plugins: [useRequestId(), useVariableErrorCodes()],
  });
}
