import { createSchema, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { readFileSync } from 'node:fs';
import { unauthenticated } from '../errors.js';
import type { Logger } from '../log.js';
import type { ServerContext } from '../http/context.js';
import { createGraphiQLPage, type GraphiQLHeaders } from '../http/graphiql.js';
import { useErrorResponses } from '../http/plugins/use-error-responses.js';
import { useResponseCompression } from '../http/plugins/use-response-compression.js';
import { useRequestId } from '../http/plugins/use-request-id.js';
import { useVariableErrorCodes } from '../http/plugins/use-variable-error-codes.js';
import { yogaLogger } from '../http/yoga-logger.js';
import { useTelemetry, type GraphQLTelemetry } from '../telemetry/use-telemetry.js';
import { bearerToken, type AdminTokenCheck } from './auth.js';
import type { AdminContext, AdminDependencies } from './context.js';
import { resolvers } from './resolvers/index.js';
import { maskAdminErrors } from './store-errors.js';
import { useJsonRequests } from './use-json-requests.js';

const typeDefs = readFileSync(new URL('../../schema/admin.graphql', import.meta.url), 'utf8');

/** What the admin GraphiQL's editor starts with: a first look at the registry and the plans. */
const ADMIN_DEFAULT_QUERY = /* GraphQL */ `# Gatehouse admin API. Every operation needs the admin token
# in the Headers tab below: { "Authorization": "Bearer <admin token>" }.
# Docs (the book icon on the left) describe every query and mutation.
query Overview {
  schema {
    version
    backends
    composedAt
  }
  backends {
    name
    kind
    url
  }
  plans {
    name
    maxCost
    maxDepth
    introspectionAllowed
  }
}
`;

export interface AdminServerOptions extends AdminDependencies {
  token: AdminTokenCheck;
  log: Logger;
  /**
   * GraphiQL on GET with `Accept: text/html`, or `false`. `headers` is the headers tab's first
   * content, asked per page view; undefined: `{ "Authorization": "Bearer " }`, for the admin to complete.
   */
  graphiql: false | { headers?: () => GraphiQLHeaders | undefined };
  /** Metrics and traces of each admin operation (and their access lines). @default off */
  telemetry?: GraphQLTelemetry;
}

export type AdminServer = YogaServerInstance<ServerContext, AdminDependencies>;

/**
 * Refuses every admin request without the admin token, before its body is read. GraphiQL's page
 * itself is served earlier, in onRequest, without it (it holds no data); its requests need the
 * header. The thrown error becomes the 401 response, `WWW-Authenticate` included.
 */
function useAdminToken(token: AdminTokenCheck): Plugin {
  return {
    onRequestParse({ request, serverContext }) {
      if (token.verify(bearerToken(request.headers.get('authorization')))) {
        // The credential's name for the audit log; the context of every operation inherits it.
        (serverContext as { adminActor?: string }).adminActor = token.actor;
        return;
      }
      throw unauthenticated('The admin API needs `Authorization: Bearer <admin token>`.', 'Bearer realm="gatehouse-admin"');
    },
  };
}

/** `/admin/graphql`: the operators' API. */
export function createAdminServer({ token, graphiql, log, telemetry, ...dependencies }: AdminServerOptions): AdminServer {
  const schema = createSchema<AdminContext>({ typeDefs, resolvers });
  const graphiqlPage =
    graphiql &&
    createGraphiQLPage({
      title: 'Gatehouse admin',
      storageNamespace: 'gatehouse-admin',
      defaultQuery: ADMIN_DEFAULT_QUERY,
      headers: () => graphiql.headers?.() ?? { Authorization: 'Bearer ' },
    });
  return createYoga<ServerContext, AdminDependencies>({
    graphqlEndpoint: '/admin/graphql',
    schema,
    context: () => dependencies,
    graphiql: graphiqlPage ? graphiqlPage.options : false,
    ...(graphiqlPage && { renderGraphiQL: graphiqlPage.render }),
    landingPage: false,
    logging: yogaLogger(log.child({ component: 'admin' })),
    // isDev: false whatever NODE_ENV says, or Yoga would add the cause of a masked error to it.
    maskedErrors: { maskError: maskAdminErrors, isDev: false },
    // The body check before the token check: neither reads the body, and a form post is refused
    // for what it is whoever sends it.
    // Telemetry first, so refused requests (wrong token, wrong body) are observed too; compression
    // last: its onResponse sees every header the others set.
    plugins: [
      ...(telemetry ? [useTelemetry(telemetry)] : []),
      useJsonRequests(),
      useAdminToken(token),
      useRequestId(),
      useErrorResponses(),
      useVariableErrorCodes(),
      useResponseCompression(),
    ],
  });
}
