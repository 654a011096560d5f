import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface GatehouseEntry {
  /** Arguments to `node`. */
  nodeArgs: string[];
  /** How it runs, for the row's version string: `dist/src/main.js` or `tsx src/main.ts`. */
  description: string;
}

/**
 * The compiled build (`npm run build` → `dist/src/main.js`) when it is newer than every file under
 * `src/`, so a stale build never stands in for the code being measured; otherwise the sources
 * through tsx, as `npm start` runs them.
 */
export function gatehouseEntry(repoRoot: string): GatehouseEntry {
  const compiled = join(repoRoot, 'dist/src/main.js');
  const compiledMtimeMs = mtimeMs(compiled);
  if (compiledMtimeMs !== undefined && compiledMtimeMs > newestMtimeMs(join(repoRoot, 'src'))) {
    return { nodeArgs: [compiled], description: 'dist/src/main.js' };
  }
  const reason = compiledMtimeMs === undefined ? 'no build' : 'build older than src/';
  return { nodeArgs: ['--import', 'tsx', join(repoRoot, 'src/main.ts')], description: `tsx src/main.ts, ${reason}` };
}

function mtimeMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}
