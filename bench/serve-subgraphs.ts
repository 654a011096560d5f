// Child-process entry: serves the four example subgraphs on ephemeral ports and reports their URLs
// over IPC. They run outside the bench process so their resolvers don't share an event loop with
// autocannon (which would inflate its latency numbers) and so their CPU use can be read on its own.
import { closeAll, startExampleSubgraphs } from '../subgraphs/index.js';

export interface SubgraphsReadyMessage {
  subgraphs: Array<{ name: string; url: string }>;
}

if (!process.send) {
  console.error('bench/serve-subgraphs.ts is started by bench/run.ts with an IPC channel');
  process.exit(1);
}

const subgraphs = await startExampleSubgraphs({ host: '127.0.0.1' });

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void closeAll(subgraphs).then(() => process.exit(0));
};
// The bench closing the channel (or dying) means nobody needs the subgraphs any more.
process.once('disconnect', stop);
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

const message: SubgraphsReadyMessage = { subgraphs: subgraphs.map(({ name, url }) => ({ name, url })) };
process.send(message);
