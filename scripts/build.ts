/**
 * `npm run build`: compiles the gateway (src/ only, tsconfig.build.json) into dist/src/, bundles the
 * dashboard's page next to it and copies the files it reads at run time, so `node dist/src/main.js`
 * runs without tsx, esbuild and the rest of the repository (node_modules aside). `--out-dir <dir>`
 * builds elsewhere (the build test does).
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleDashboard, PREBUILT_FILES } from '../src/dashboard/bundle.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Files the compiled gateway reads at run time, relative to the repository (and to the output):
 * `src/admin/server.ts` reads `../../schema/admin.graphql` from its own location.
 */
export const RUNTIME_FILES = ['schema/admin.graphql'] as const;

/** The dashboard's bundled script and stylesheet in the output, built from src/dashboard/client/. */
export const DASHBOARD_STATIC_DIR = 'src/dashboard/static';

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
  // Where src/dashboard/bundle.ts' PREBUILT_DIR points once compiled: dist/src/dashboard/static/.
  const dashboardDir = join(outDir, DASHBOARD_STATIC_DIR);
  await mkdir(dashboardDir, { recursive: true });
  const bundle = await bundleDashboard();
  await writeFile(join(dashboardDir, PREBUILT_FILES.js), bundle.js);
  await writeFile(join(dashboardDir, PREBUILT_FILES.css), bundle.css);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = process.argv.indexOf('--out-dir');
  const outDir = flag === -1 ? undefined : resolve(process.argv[flag + 1] ?? '');
  build({ outDir }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
