import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createSchema, createYoga, type YogaInitialContext } from 'graphql-yoga';
import { parse } from 'graphql';
import { closeServer, listen } from '../../subgraphs/lib/serve.js';

/** A real backend that keeps the headers of every request it got, for tests of what the gateway sends. */
export interface RecordingBackend extends AsyncDisposable {
  url: string;
  /** Headers of each request so far (lower-case names), oldest first. */
  readonly requests: ReadonlyArray<Record<string, string>>;
  close(): Promise<void>;
}

function recorded(headers: Headers | IncomingHttpHeaders): Record<string, string> {
  // Yoga's requests carry @whatwg-node's Headers, not the global class.
  if (typeof headers.entries === 'function') return Object.fromEntries((headers as Headers).entries());
  return Object.fromEntries(Object.entries(headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : [])));
}

/** The header a resolver got, as the backend's own code would read it. */
const header = (context: YogaInitialContext, name: string) => context.request.headers.get(name);

async function serveYoga(schema: Parameters<typeof createYoga>[0]['schema']): Promise<RecordingBackend> {
  const requests: Array<Record<string, string>> = [];
  const yoga = createYoga({
    schema,
    graphiql: false,
    logging: false,
    maskedErrors: false,
    plugins: [{ onRequest: ({ request }) => void requests.push(recorded(request.headers)) }],
  });
  const server = createServer(yoga);
  await listen(server, 0, '127.0.0.1');
  const close = () => closeServer(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, requests, close, [Symbol.asyncDispose]: close };
}

/**
 * A federation subgraph owning `Person` (key `id`): `whoami` answers with the consumer the gateway
 * named (after `hold()`, when given, so tests can keep requests in flight), `person(id)` is an entity.
 */
export function startRecordingSubgraph({ hold }: { hold?: () => Promise<void> } = {}): Promise<RecordingBackend> {
  return serveYoga(
    buildSubgraphSchema([
      {
        typeDefs: parse(/* GraphQL */ `
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
          type Query { whoami: String person(id: ID!): Person }
          type Person @key(fields: "id") { id: ID! name: String! }
        `),
        resolvers: {
          Query: {
            whoami: async (_: unknown, _args: unknown, context: YogaInitialContext) => {
              await hold?.();
              return header(context, 'x-gatehouse-consumer') ?? 'nobody';
            },
            person: (_: unknown, { id }: { id: string }) => ({ id, name: `Person ${id}` }),
          },
        },
      },
    ]),
  );
}

/** A plain GraphQL service (no federation): `note` answers with the plan the gateway named. */
export function startRecordingGraphQLService(): Promise<RecordingBackend> {
  return serveYoga(
    createSchema({
      typeDefs: 'type Query { note: String }',
      resolvers: { Query: { note: (_: unknown, _args: unknown, context: YogaInitialContext) => `plan ${header(context, 'x-gatehouse-plan') ?? 'none'}` } },
    }),
  );
}

/** `{ url, openapiUrl }` of a REST service with one operation, `GET /echo` → `{ consumer }`; `url` is its base URL. */
export async function startRecordingRestService(): Promise<RecordingBackend & { openapiUrl: string }> {
  const requests: Array<Record<string, string>> = [];
  const document = {
    openapi: '3.0.3',
    info: { title: 'echo', version: '1' },
    paths: {
      '/echo': {
        get: {
          operationId: 'echo',
          responses: { '200': { description: 'who asked', content: { 'application/json': { schema: { type: 'object', properties: { consumer: { type: 'string' } } } } } } },
        },
      },
    },
  };
  const server = createServer((req, res) => {
    req.resume();
    if (req.url === '/openapi.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
      return;
    }
    requests.push(recorded(req.headers));
    const consumer = req.headers['x-gatehouse-consumer'];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ consumer: typeof consumer === 'string' ? consumer : null }));
  });
  await listen(server, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => closeServer(server);
  return { url: base, openapiUrl: `${base}/openapi.json`, requests, close, [Symbol.asyncDispose]: close };
}
