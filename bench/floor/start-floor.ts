import { join } from 'node:path';
import { spawnManaged, type ManagedProcess } from '../child-process.js';
import type { LoadResult } from '../load.js';
import type { CpuPinning } from '../pinning.js';
import type { FloorLoadOptions } from './closed-loop.js';
import type { FloorCommand, FloorReply } from './floor-process.js';

export interface RunningFloor {
  process: ManagedProcess;
  /** Runs the plan once and returns the assembled `data`. */
  check(subgraphUrls: Record<string, string>): Promise<unknown>;
  load(options: FloorLoadOptions): Promise<LoadResult>;
}

/** Starts `bench/floor/floor-process.ts` on the gateway's core. */
export function startFloorProcess({ repoRoot, env, pinning }: { repoRoot: string; env: Record<string, string>; pinning: CpuPinning }): RunningFloor {
  const { command, args } = pinning.command('gateway', ['--import', 'tsx', join(repoRoot, 'bench/floor/floor-process.ts')]);
  const managed = spawnManaged('floor', command, args, { cwd: repoRoot, env, ipc: true });
  return {
    process: managed,
    async check(subgraphUrls) {
      const answer = await ask(managed, { type: 'check', subgraphUrls }, 30_000);
      if (answer.type !== 'checked') throw new Error(`floor: unexpected answer ${answer.type}`);
      return answer.data;
    },
    async load(options) {
      // The load's own length, plus the per-request timeout for whatever is in flight at the end.
      const answer = await ask(managed, { type: 'load', ...options }, (options.durationS + 30) * 1_000);
      if (answer.type !== 'loaded') throw new Error(`floor: unexpected answer ${answer.type}`);
      return answer.result;
    },
  };
}

function ask(managed: ManagedProcess, command: FloorCommand, timeoutMs: number): Promise<Exclude<FloorReply, { type: 'failed' }>> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      managed.child.off('message', onMessage);
      managed.child.off('exit', onExit);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`floor did not answer "${command.type}" within ${timeoutMs} ms:\n${managed.outputTail()}`));
    }, timeoutMs);
    const onMessage = (reply: FloorReply) => {
      done();
      if (reply.type === 'failed') reject(new Error(`floor: ${reply.message}`));
      else resolve(reply);
    };
    const onExit = () => {
      done();
      reject(new Error(`floor process exited (${String(managed.exitCode())}) during "${command.type}":\n${managed.outputTail()}`));
    };
    managed.child.on('message', onMessage);
    managed.child.once('exit', onExit);
    // With a callback, a closed channel rejects instead of emitting an unhandled 'error' event.
    managed.child.send(command, (error) => {
      if (!error) return;
      done();
      reject(new Error(`floor: ${error.message}`));
    });
  });
}
