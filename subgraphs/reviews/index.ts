import { serveSubgraph, type RunningSubgraph, type ServeOptions, type SubgraphDefinition } from '../lib/serve.js';
import { resolvers } from './resolvers.js';
import { typeDefs } from './schema.js';

/** Reviews: owns `Review`, adds `reviews` to `User` and review stats to `Product`. */
export const reviewsSubgraph: SubgraphDefinition = { name: 'reviews', typeDefs, resolvers };

export function start(options?: ServeOptions): Promise<RunningSubgraph> {
  return serveSubgraph(reviewsSubgraph, options);
}
