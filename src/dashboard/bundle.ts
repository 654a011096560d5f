import type { BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';

/** The page's script and its styles (uPlot's and the page's own), as the browser gets them. */
export interface DashboardBundle {
  js: string;
  css: string;
}

/** The compiled gateway's copy of the bundle (`npm run build` writes it; nothing builds at run time there). */
export const PREBUILT_DIR = new URL('./static/', import.meta.url);
export const PREBUILT_FILES = { js: 'dashboard.js', css: 'dashboard.css' } as const;

const ENTRY = fileURLToPath(new URL('./client/main.ts', import.meta.url));

/**
 * Bundles `client/` (plain TypeScript and the DOM) with uPlot into one script and one stylesheet,
 * in memory. `npm run build` runs it once and writes the result next to the compiled server; run
 * from the sources (tsx: `npm run dev`, the demo, the tests) the server runs it at the first
 * request for the page. esbuild is a devDependency, loaded only here, so the compiled gateway
 * needs neither it nor uPlot.
 */
export async function bundleDashboard(): Promise<DashboardBundle> {
  const { build } = await import('esbuild');
  const options = {
    entryPoints: { dashboard: ENTRY },
    bundle: true,
    write: false,
    outdir: '/dashboard',
    format: 'iife',
    platform: 'browser',
    // What browsers of the last few years run; nothing is transpiled down for older ones.
    target: ['chrome111', 'firefox111', 'safari16.4'],
    minify: true,
    // uPlot's MIT notice stays in the bundle.
    legalComments: 'eof',
    logLevel: 'silent',
  } satisfies BuildOptions;
  const result = await build(options);
  const text = (extension: string) => {
    const file = result.outputFiles.find((output) => output.path.endsWith(extension));
    if (!file) throw new Error(`bundling the dashboard produced no ${extension} file`);
    return file.text;
  };
  return { js: text('.js'), css: text('.css') };
}
