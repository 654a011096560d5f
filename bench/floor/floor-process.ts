// Child-process entry of row (f): calls the subgraphs directly, in the plan a gateway would follow.
// It runs in its own process on the gateway's core, so the floor has the CPU layout of the gateway
// rows (caller on one core, subgraphs and bench on the other) and its CPU and RSS can be read.
import type { LoadResult } from '../load.js';
import { createFloorClient, type FloorClient, type FloorLoadOptions } from './closed-loop.js';

/** Bench → floor. */
export type FloorCommand =
  | { type: 'check'; subgraphUrls: Record<string, string> }
  | ({ type: 'load' } & FloorLoadOptions);

/** Floor → bench. */
export type FloorReply =
  | { type: 'checked'; data: unknown }
  | { type: 'loaded'; result: LoadResult }
  | { type: 'failed'; message: string };

const send = process.send?.bind(process);
if (!send) {
  console.error('bench/floor/floor-process.ts is started by bench/run.ts with an IPC channel');
  process.exit(1);
}
const reply = (message: FloorReply) => send(message);

let client: FloorClient | undefined;

process.on('message', (command: FloorCommand) => {
  handle(command).then(reply, (error: unknown) => reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) }));
});

async function handle(command: FloorCommand): Promise<FloorReply> {
  if (command.type === 'check') {
    client ??= createFloorClient(command.subgraphUrls);
    return { type: 'checked', data: await client.runOnce() };
  }
  if (!client) throw new Error('load before check: the floor has no subgraph URLs yet');
  return { type: 'loaded', result: await client.runLoad(command) };
}

const stop = () => void (client?.close() ?? Promise.resolve()).finally(() => process.exit(0));
// The bench closing the channel (or dying) means nobody needs the floor any more.
process.once('disconnect', stop);
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
