import { appendFile, cp, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../scripts/build.js';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouseProcess } from '../helpers/gatehouse-process.js';
import { freshDataDir, postGraphQL, REGISTER_BACKEND, TEST_ADMIN_TOKEN } from '../helpers/gatehouse.js';
import { catalog, products } from '../gateway/fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PREBUILT_MARKER = '/* the build test was here */';

/**
 * `npm run build`'s output, run as operators run it: plain `node dist/src/main.js`, no tsx. It is
 * built into a directory outside the repository that holds only dist/, package.json and a link to
 * node_modules, so a runtime read of a repository file that the build does not carry fails here.
 */
describe('the compiled gateway', () => {
  let appDir: string;
  let subgraph: RunningSubgraph;

  beforeAll(async () => {
    appDir = await mkdtemp(join(tmpdir(), 'gatehouse-build-'));
    await build({ outDir: join(appDir, 'dist') });
    await cp(join(ROOT, 'package.json'), join(appDir, 'package.json'));
    await symlink(join(ROOT, 'node_modules'), join(appDir, 'node_modules'), 'dir');
    subgraph = await serveSubgraph(catalog);
  }, 120_000);
  afterAll(async () => {
    await subgraph?.close();
    if (appDir) await rm(appDir, { recursive: true, force: true });
  });

  it('holds the gateway and what it reads at run time, not the tests, benchmarks or scripts', async () => {
    expect((await readdir(join(appDir, 'dist'))).sort()).toEqual(['schema', 'src']);
    expect(await readdir(join(appDir, 'dist/schema'))).toEqual(['admin.graphql']);
    expect(await readdir(join(appDir, 'dist/src'))).toContain('main.js');
    // The dashboard's page, bundled at build time: the compiled gateway runs no bundler.
    expect((await readdir(join(appDir, 'dist/src/dashboard/static'))).sort()).toEqual(['dashboard.css', 'dashboard.js']);
    expect(await readdir(join(appDir, 'dist/src/dashboard'))).not.toContain('client');
  });

  it('starts with plain node, serves both APIs and the dashboard, and stops on SIGTERM', async ({ annotate }) => {
    await appendFile(join(appDir, 'dist/src/dashboard/static/dashboard.js'), `\n${PREBUILT_MARKER}\n`);
    const dataDir = await freshDataDir();
    try {
      await using gatehouse = await startGatehouseProcess({ GATEHOUSE_DATA_DIR: dataDir }, { cwd: appDir, args: ['dist/src/main.js'] });
      await annotate(`compiled start-up (spawn → listening): ${Math.round(gatehouse.startUpMs)} ms`);

      const registered = await postGraphQL(
        `${gatehouse.url}/admin/graphql`,
        REGISTER_BACKEND,
        { input: { name: 'catalog', kind: 'FEDERATION_SUBGRAPH', url: subgraph.url } },
        { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      );
      expect(registered.body.errors).toBeUndefined();
      const ready = await fetch(`${gatehouse.url}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', version: 1 });

      const answer = await postGraphQL(`${gatehouse.url}/graphql`, '{ products { upc } }');
      expect(answer.body).toEqual({ data: { products: products.map(({ upc }) => ({ upc })) } });
      // GraphiQL's page comes from node_modules, not from the repository.
      const page = await fetch(`${gatehouse.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).toContain('YogaGraphiQL.renderYogaGraphiQL');
      // The dashboard serves the build's bundle (marked above), not one made at run time.
      const dashboard = await fetch(`${gatehouse.url}/admin`);
      expect(dashboard.headers.get('content-security-policy')).toContain("script-src 'self'");
      const script = /<script src="([^"]+)"/.exec(await dashboard.text())?.[1];
      const bundle = await fetch(`${gatehouse.url}${script}`);
      expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await bundle.text()).toContain(PREBUILT_MARKER);

      expect(await gatehouse.stop('SIGTERM')).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
