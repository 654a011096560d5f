import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { StoreError } from './store-error.js';

const LOCK_FILE = 'gatehouse.lock';

/** Lock files this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

/**
 * Claims `dataDir` for this process; returns the release function.
 *
 * PGlite takes no lock of its own (it runs PostgreSQL in single-user mode,
 * without postmaster.pid), and two processes writing one data directory
 * corrupt it. Like postmaster.pid, the lock file holds our PID; a file whose
 * process is gone (e.g. after kill -9) is stale and taken over. Our own PID in
 * it is stale too: in a restarted container the gateway is often PID 1 again.
 * Two processes taking over the same stale file at the same instant can both
 * win; PostgreSQL accepts the same window.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = path.resolve(dataDir, LOCK_FILE);
  if (heldHere.has(lockPath)) {
    throw new StoreError(`Data directory ${dataDir} is already open in this process.`);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const file = await open(lockPath, 'wx');
      try {
        await file.writeFile(`${process.pid}\n`);
      } finally {
        await file.close();
      }
      heldHere.add(lockPath);
      return async () => {
        heldHere.delete(lockPath);
        await rm(lockPath, { force: true });
      };
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }
    const owner = await readOwner(lockPath);
    if (owner !== undefined && owner !== process.pid && isRunning(owner)) {
      throw new StoreError(
        `Data directory ${dataDir} is in use by process ${owner}. ` +
          `If no Gatehouse is running there, delete ${lockPath}.`,
      );
    }
    await rm(lockPath, { force: true });
  }
  throw new StoreError(`Could not lock data directory ${dataDir}: ${lockPath} keeps reappearing.`);
}

async function readOwner(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    // Released between our open and this read: the next attempt will claim it.
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return isErrno(error, 'EPERM');
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
