import { serveSubgraph, type RunningSubgraph, type ServeOptions, type SubgraphDefinition } from '../lib/serve.js';
import { resolvers } from './resolvers.js';
import { typeDefs } from './schema.js';

/** Stock and shipping: extends `Product`; `shippingEstimate` @requires price and weight from products. */
export const inventorySubgraph: SubgraphDefinition = { name: 'inventory', typeDefs, resolvers };

export function start(options?: ServeOptions): Promise<RunningSubgraph> {
  return serveSubgraph(inventorySubgraph, options);
}
