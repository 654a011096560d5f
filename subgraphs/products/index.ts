import { serveSubgraph, type RunningSubgraph, type ServeOptions, type SubgraphDefinition } from '../lib/serve.js';
import { resolvers } from './resolvers.js';
import { typeDefs } from './schema.js';

/** The catalogue: the `Product` entity, owned here, with a key-only reference to `User`. */
export const productsSubgraph: SubgraphDefinition = { name: 'products', typeDefs, resolvers };

export function start(options?: ServeOptions): Promise<RunningSubgraph> {
  return serveSubgraph(productsSubgraph, options);
}
