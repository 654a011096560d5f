import { createSchema, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { readFileSync } from 'node:fs';
import { unauthenticated } from '../errors.js';
import type { Logger } from '../log.js';
import type { ServerContext } from '../http/context.js';
import { useRequestId } from '../http/plugins/use-request-id.js';
import { useVariableErrorCodes } from '../http/plugins/use-variable-error-codes.js';
import { yogaLogger } from '../http/yoga-logger.js';
import { bearerToken, type AdminTokenCheck } from './auth.js';
import type { AdminContext, AdminDependencies } from './context.js';
import { resolvers } from './resolvers/index.js';
import { maskAdminErrors } from './store-errors.js';

const typeDefs = readFileSync(new URL('../../schema/admin.graphql', import.meta.url), 'utf8');

export interface AdminServerOptions extends AdminDependencies {
  token: AdminTokenCheck;
  log: Logger;
  graphiql: boolean;
}

export type AdminServer = YogaServerInstance<ServerContext, AdminDependencies>;

/**
 * Refuses every admin request without the admin token, before its body is read. GraphiQL's page
 * itself is served earlier, in onRequest, without it (it holds no data); its requests need the
 * header. The thrown error becomes the 401 response, `WWW-Authenticate` included.
 */
function useAdminToken(token: AdminTokenCheck): Plugin {
  return {
    onRequestParse({ request }) {
      if (token.verify(bearerToken(request.headers.get('authorization')))) return;
      throw unauthenticated('The admin API needs `Authorization: Bearer <admin token>`.', 'Bearer realm="gatehouse-admin"');
    },
  };
}

/** `/admin/graphql`: the operators' API. */
export function createAdminServer({ token, graphiql, log, ...dependencies }: AdminServerOptions): AdminServer {
  const schema = createSchema<AdminContext>({ typeDefs, resolvers });
  return createYoga<ServerContext, AdminDependencies>({
    graphqlEndpoint: '/admin/graphql',
    schema,
    context: () => dependencies,
    graphiql: graphiql ? { title: 'Gatehouse admin', headers: JSON.stringify({ Authorization: 'Bearer <admin token>' }) } : false,
    landingPage: false,
    logging: yogaLogger(log.child({ component: 'admin' })),
    maskedErrors: { maskError: maskAdminErrors },
    plugins: [useAdminToken(token), useRequestId(), useVariableErrorCodes()],
  });
}
