import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode } from 'graphql';
import { createYoga } from 'graphql-yoga';

// buildSubgraphSchema's own resolver-map type is not exported from the package root.
export type SubgraphResolvers = Parameters<typeof buildSubgraphSchema>[0] extends infer T
  ? T extends ReadonlyArray<infer M> ? (M extends { resolvers?: infer R } ? R : never) : never
  : never;

export interface SubgraphDefinition {
  name: string;
  /** Federation subgraph SDL (v2 with `@link`, or Fed 1 style). */
  typeDefs: string | DocumentNode;
  /** Resolver map, including `__resolveReference` for entities. */
  resolvers?: SubgraphResolvers;
}

export interface ServeOptions {
  /** @default 0 (an ephemeral port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
}

export interface RunningSubgraph extends AsyncDisposable {
  name: string;
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:40123/graphql`. */
  url: string;
  /** Number of GraphQL requests this subgraph has answered (tests assert on it). */
  readonly requestCount: number;
  close(): Promise<void>;
}

/** Serves one federation subgraph over real HTTP with graphql-yoga. */
export async function serveSubgraph(
  definition: SubgraphDefinition,
  { port = 0, host = '127.0.0.1' }: ServeOptions = {},
): Promise<RunningSubgraph> {
  const typeDefs = typeof definition.typeDefs === 'string' ? parse(definition.typeDefs) : definition.typeDefs;
  const schema = buildSubgraphSchema([{ typeDefs, resolvers: definition.resolvers }]);
  let requestCount = 0;
  const yoga = createYoga({
    schema,
    graphiql: false,
    logging: false,
    maskedErrors: false,
    plugins: [{ onRequest: () => void requestCount++ }],
  });
  const server = createServer(yoga);
  await listen(server, port, host);
  const address = server.address() as AddressInfo;
  const close = () => closeServer(server);
  return {
    name: definition.name,
    url: `http://${host}:${address.port}/graphql`,
    get requestCount() {
      return requestCount;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
