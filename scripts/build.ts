/**
 * `npm run build`: compiles the gateway (src/ only, tsconfig.build.json) into dist/src/ and copies
 * the files it reads at run time next to it, so `node dist/src/main.js` runs without tsx and
 * without the rest of the repository (node_modules aside). `--out-dir <dir>` builds elsewhere
 * (the build test does).
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Files the compiled gateway reads at run time, relative to the repository (and to the output):
 * `src/admin/server.ts` reads `../../schema/admin.graphql` from its own location.
 */
export const RUNTIME_FILES = ['schema/admin.graphql'] as const;

/** Builds into `outDir` (emptied first): dist/ by default. */
export async function build({ outDir = join(ROOT, 'dist') }: { outDir?: string } = {}): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`tsc exited with ${code}`))));
  });
  for (const file of RUNTIME_FILES) {
    await mkdir(dirname(join(outDir, file)), { recursive: true });
    await cp(join(ROOT, file), join(outDir, file));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = process.argv.indexOf('--out-dir');
  const outDir = flag === -1 ? undefined : resolve(process.argv[flag + 1] ?? '');
  build({ outDir }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
