import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { bundleDashboard, PREBUILT_DIR, PREBUILT_FILES, type DashboardBundle } from './bundle.js';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Where the page's assets are served from; each file's name carries its content hash. */
export const ASSETS_PATH = '/admin/assets/';

/** One static file, with its compressed forms made once. */
export interface DashboardAsset {
  /** `/admin/assets/dashboard.<hash>.js`: a new build is a new URL, so browsers may keep a file for good. */
  path: string;
  contentType: string;
  etag: string;
  body: Buffer;
  br: Buffer;
  gzip: Buffer;
}

export interface DashboardAssets {
  script: DashboardAsset;
  style: DashboardAsset;
  byPath: ReadonlyMap<string, DashboardAsset>;
}

let loading: Promise<DashboardAssets> | undefined;

/**
 * The page's script and stylesheet, loaded once per process (the bundle is the same for every
 * gateway in it): the compiled gateway's prebuilt copy, else bundled from the sources. A failed
 * load is not kept, so the next request tries again.
 */
export function dashboardAssets(): Promise<DashboardAssets> {
  loading ??= loadAssets().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function loadAssets(): Promise<DashboardAssets> {
  const bundle = (await readPrebuilt()) ?? (await bundleDashboard());
  const [script, style] = await Promise.all([
    asset('dashboard', 'js', 'text/javascript; charset=utf-8', bundle.js),
    asset('dashboard', 'css', 'text/css; charset=utf-8', bundle.css),
  ]);
  return { script, style, byPath: new Map([script, style].map((file) => [file.path, file])) };
}

async function readPrebuilt(): Promise<DashboardBundle | undefined> {
  try {
    const [js, css] = await Promise.all([
      readFile(new URL(PREBUILT_FILES.js, PREBUILT_DIR), 'utf8'),
      readFile(new URL(PREBUILT_FILES.css, PREBUILT_DIR), 'utf8'),
    ]);
    return { js, css };
  } catch (error) {
    // Run from the sources there is no prebuilt copy: bundle instead.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function asset(name: string, extension: string, contentType: string, text: string): Promise<DashboardAsset> {
  const body = Buffer.from(text, 'utf8');
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  const [br, gzipped] = await Promise.all([
    brotliAsync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    gzipAsync(body, { level: 9 }),
  ]);
  return { path: `${ASSETS_PATH}${name}.${hash}.${extension}`, contentType, etag: `"${hash}"`, body, br, gzip: gzipped };
}
