import { accountsSubgraph } from './accounts/index.js';
import { inventorySubgraph } from './inventory/index.js';
import { serveSubgraph, type RunningSubgraph, type SubgraphDefinition } from './lib/serve.js';
import { productsSubgraph } from './products/index.js';
import { reviewsSubgraph } from './reviews/index.js';

export type { RunningSubgraph, SubgraphDefinition } from './lib/serve.js';
export { accountsSubgraph, inventorySubgraph, productsSubgraph, reviewsSubgraph };

/** The four example subgraphs, in port order: accounts, products, reviews, inventory. */
export const exampleSubgraphs: readonly SubgraphDefinition[] = [
  accountsSubgraph,
  productsSubgraph,
  reviewsSubgraph,
  inventorySubgraph,
];

export interface StartExampleSubgraphsOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /**
   * Port of the first subgraph; the others take the next ports in `exampleSubgraphs` order
   * (the demo uses 4001–4004). @default 0 (each gets its own ephemeral port)
   */
  basePort?: number;
}

/** A started set of subgraphs, in `exampleSubgraphs` order; disposing it closes them all. */
export type RunningExampleSubgraphs = RunningSubgraph[] & AsyncDisposable;

/**
 * Starts all four example subgraphs. If one fails to start (say its port is taken), the ones
 * already listening are closed before the error is rethrown, so nothing is left running.
 */
export async function startExampleSubgraphs({
  host,
  basePort = 0,
}: StartExampleSubgraphsOptions = {}): Promise<RunningExampleSubgraphs> {
  const results = await Promise.allSettled(
    exampleSubgraphs.map((definition, index) =>
      serveSubgraph(definition, { host, port: basePort === 0 ? 0 : basePort + index }),
    ),
  );
  const running = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) {
    await closeAll(running);
    throw failure.reason;
  }
  return Object.assign(running, { [Symbol.asyncDispose]: () => closeAll(running) });
}

export async function closeAll(subgraphs: Iterable<RunningSubgraph>): Promise<void> {
  await Promise.all(Array.from(subgraphs, (subgraph) => subgraph.close()));
}
