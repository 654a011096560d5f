import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes `<dir>/<timestamp>.json` and a copy as `latest.json`, so runs can be compared later:
 * the timestamped files pile up (the folder is git-ignored), `latest.json` is always the last one.
 */
export async function writeResults(dir: string, startedAt: Date, results: object): Promise<string> {
  await mkdir(dir, { recursive: true });
  // Colons are not allowed in file names everywhere; the rest of ISO 8601 sorts as it should.
  const path = join(dir, `${startedAt.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
  await copyFile(path, join(dir, 'latest.json'));
  return path;
}
