import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { closeServer, listen, type SubgraphDefinition } from '../../subgraphs/lib/serve.js';

/** A backend on 127.0.0.1:0 that keeps the headers of every request it answered. */
export interface RecordingBackend extends AsyncDisposable {
  name: string;
  url: string;
  readonly requests: ReadonlyArray<{ path: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** A federation subgraph (graphql-yoga + @apollo/subgraph, as `subgraphs/` serves them) that records headers. */
export async function serveRecordingSubgraph(definition: SubgraphDefinition): Promise<RecordingBackend> {
  const typeDefs = typeof definition.typeDefs === 'string' ? parse(definition.typeDefs) : definition.typeDefs;
  const yoga = createYoga({ schema: buildSubgraphSchema([{ typeDefs, resolvers: definition.resolvers }]), graphiql: false, logging: false });
  const requests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? '/', headers: req.headers });
    void yoga(req, res);
  });
  await listen(server, 0, '127.0.0.1');
  const close = () => closeServer(server);
  return { name: definition.name, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, requests, close, [Symbol.asyncDispose]: close };
}

/** The OpenAPI document of `serveRecordingRest`: one operation, `GET /items/{id}` → `{ id, label }`. */
export const RECORDING_REST_OPENAPI = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 'items', version: '1' },
  paths: {
    '/items/{id}': {
      get: {
        operationId: 'getItem',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: {
            description: 'the item',
            content: { 'application/json': { schema: { type: 'object', required: ['id', 'label'], properties: { id: { type: 'string' }, label: { type: 'string' } } } } },
          },
        },
      },
    },
  },
});

/** A REST service answering `GET /items/{id}`; anything else is 404. Base URL in `url`. */
export async function serveRecordingRest(name = 'items'): Promise<RecordingBackend> {
  const requests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? '/', headers: req.headers });
    const match = /^\/items\/([^/?]+)$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !match) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
      return;
    }
    const id = decodeURIComponent(match[1]!);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, label: `item ${id}` }));
  });
  await listen(server, 0, '127.0.0.1');
  const close = () => closeServer(server);
  return { name, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close, [Symbol.asyncDispose]: close };
}
