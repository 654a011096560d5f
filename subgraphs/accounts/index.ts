import { serveSubgraph, type RunningSubgraph, type ServeOptions, type SubgraphDefinition } from '../lib/serve.js';
import { resolvers } from './resolvers.js';
import { typeDefs } from './schema.js';

/** Users: the `User` entity, owned here. */
export const accountsSubgraph: SubgraphDefinition = { name: 'accounts', typeDefs, resolvers };

export function start(options?: ServeOptions): Promise<RunningSubgraph> {
  return serveSubgraph(accountsSubgraph, options);
}
