// Child-process entry: serves the four example subgraphs and the REST pricing service on ephemeral
// ports and reports their URLs over IPC. They run outside the bench process so their resolvers
// don't share an event loop with autocannon (which would inflate its latency numbers) and so their
// CPU use can be read on its own.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeAll, startExampleSubgraphs } from '../subgraphs/index.js';
import { closeServer, listen } from '../subgraphs/lib/serve.js';
import { start as startPricing } from '../subgraphs/rest-pricing/index.js';

/** The REST (OpenAPI) backend, which only Gatehouse can link into the graph. */
export interface RestBackend {
  name: string;
  url: string;
  openapiUrl: string;
}

/** Child → bench. */
export type SubgraphsMessage =
  | { type: 'ready'; subgraphs: Array<{ name: string; url: string }>; pricing: RestBackend; otlpSink: string }
  | { type: 'request-counts'; counts: Record<string, number> };

/** Bench → child. */
export interface RequestCountsQuery {
  type: 'get-request-counts';
}

const send = process.send?.bind(process);
if (!send) {
  console.error('bench/serve-subgraphs.ts is started by bench/run.ts with an IPC channel');
  process.exit(1);
}
const reply = (message: SubgraphsMessage) => send(message);

const subgraphs = await startExampleSubgraphs({ host: '127.0.0.1' });
const pricing = await startPricing({ host: '127.0.0.1' });
// Where the tracing row exports its spans: an OTLP/HTTP endpoint that reads each export whole and
// answers as a collector does, so the gateway pays for building, batching, encoding and sending.
const otlpSink = createServer((req, res) => {
  req.resume();
  req.once('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
await listen(otlpSink, 0, '127.0.0.1');

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void Promise.all([closeAll(subgraphs), pricing.close(), closeServer(otlpSink)]).then(() => process.exit(0));
};
// The bench closing the channel (or dying) means nobody needs the subgraphs any more.
process.once('disconnect', stop);
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

process.on('message', (message: RequestCountsQuery) => {
  if (message.type !== 'get-request-counts') return;
  const counts = Object.fromEntries(subgraphs.map(({ name, requestCount }) => [name, requestCount]));
  // Every route together (the OpenAPI document is fetched once, at registration, before any load).
  counts[pricing.name] = Object.values(pricing.requestCounts).reduce((sum, count) => sum + count, 0);
  reply({ type: 'request-counts', counts });
});

reply({
  type: 'ready',
  subgraphs: subgraphs.map(({ name, url }) => ({ name, url })),
  pricing: { name: pricing.name, url: pricing.url, openapiUrl: pricing.openapiUrl },
  otlpSink: `http://127.0.0.1:${(otlpSink.address() as AddressInfo).port}`,
});
