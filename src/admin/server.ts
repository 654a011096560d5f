import { createSchema, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { readFileSync } from 'node:fs';
import { unauthenticated } from '../errors.js';
import type { Logger } from '../log.js';
import { maskUnexpectedErrors } from '../request-path/mask-error.js';
import type { ServerContext } from '../request-path/context.js';
import { useRequestId } from '../request-path/plugins/use-request-id.js';
import { useVariableErrorCodes } from '../request-path/plugins/use-variable-error-codes.js';
import { yogaLogger } from '../request-path/yoga-logger.js';
import { bearerToken, type AdminTokenCheck } from './auth.js';
import type { AdminContext, AdminDependencies } from './context.js';
import { resolvers } from './resolvers/index.js';

const typeDefs = readFileSync(new URL('../../schema/admin.graphql', import.meta.url), 'utf8');

export interface AdminServerOptions extends AdminDependencies {
  token: AdminTokenCheck;
  log: Logger;
  graphiql: boolean;
}

export type AdminServer = YogaServerInstance<ServerContext, AdminDependencies>;

/**
 * Refuses every admin request without the admin token, before parsing. GraphiQL's
 * page itself is served without it (it holds no data); its requests need the header.
 */
function useAdminToken(token: AdminTokenCheck): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const acceptsHtml = request.method === 'GET' && request.headers.get('accept')?.includes('text/html');
      if (acceptsHtml) return;
      if (token.verify(bearerToken(request.headers.get('authorization')))) return;
      const error = unauthenticated('The admin API needs `Authorization: Bearer <admin token>`.');
      endResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.extensions.code } }] }), {
          status: 401,
          headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="gatehouse-admin"' },
        }),
      );
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
    maskedErrors: { maskError: maskUnexpectedErrors },
    plugins: [useAdminToken(token), useRequestId(), useVariableErrorCodes()],
  });
}
