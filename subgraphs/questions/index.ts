import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { closeServer, listen, type RunningSubgraph, type ServeOptions } from '../lib/serve.js';
import { resolvers } from './resolvers.js';
import { typeDefs } from './schema.js';

export type { AnswerRow, QuestionRow, ReviewsSummaryRow, Sentiment } from './data.js';
export { typeDefs } from './schema.js';

/** Same shape as a running subgraph, but the schema is plain GraphQL (no `_service`, no `_entities`). */
export type RunningQuestionsService = RunningSubgraph & { name: 'questions' };

// Built once: every started service shares the schema, which nothing changes after creation.
const schema = createSchema({ typeDefs, resolvers });

/** Starts the example product Q&A service: a plain GraphQL backend served by graphql-yoga. */
export async function start({ port = 0, host = '127.0.0.1' }: ServeOptions = {}): Promise<RunningQuestionsService> {
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
  const { port: boundPort } = server.address() as AddressInfo;
  const close = () => closeServer(server);
  return {
    name: 'questions',
    url: `http://${host}:${boundPort}/graphql`,
    get requestCount() {
      return requestCount;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
