// Starts the four example subgraphs for local demos: `tsx subgraphs/serve.ts`.
// BASE_PORT sets the first port (default 4001); the others follow in order.
import { closeAll, exampleSubgraphs, startExampleSubgraphs } from './index.js';

const defaultBasePort = 4001;
const subgraphCount = exampleSubgraphs.length;

function readBasePort(value: string | undefined): number {
  if (value === undefined || value === '') return defaultBasePort;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65536 - subgraphCount) {
    throw new Error(`BASE_PORT: expected an integer 1–${65536 - subgraphCount}, got "${value}"`);
  }
  return port;
}

let basePort: number;
try {
  basePort = readBasePort(process.env.BASE_PORT);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const subgraphs = await startExampleSubgraphs({ basePort });
for (const subgraph of subgraphs) console.log(`${subgraph.name.padEnd(10)} ${subgraph.url}`);

const stop = (signal: NodeJS.Signals) => {
  console.log(`${signal}: stopping subgraphs`);
  void closeAll(subgraphs).then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
