import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (package `chromium`; `.ci/run` installs it). `CHROMIUM_PATH` overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface OfflineBrowser extends AsyncDisposable {
  context: BrowserContext;
  /** The profile directory, fresh for this browser and removed on close. */
  profileDir: string;
  /** Every request the browser tried to send to a host other than loopback, blocked. */
  readonly offLoopbackRequests: readonly string[];
  close(): Promise<void>;
}

/**
 * A headless Chromium with a fresh profile that can reach nothing but loopback: every request to
 * another host is aborted (and recorded), its own background traffic is switched off, and names
 * other than `localhost` don't resolve. As on a machine without internet, so a page that needs
 * a CDN shows it.
 */
export async function launchOfflineChromium(): Promise<OfflineBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install Debian's \`chromium\` package (.ci/run does) or set CHROMIUM_PATH.`);
  }
  const profileDir = await mkdtemp(join(tmpdir(), 'gatehouse-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // A second fence behind the route below: no name but localhost resolves.
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
    ],
  });
  const offLoopbackRequests: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname)) return route.continue();
    offLoopbackRequests.push(url.href);
    return route.abort('blockedbyclient');
  });
  // Requests the route never sees (a worker's, a WebSocket) are still recorded.
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || LOOPBACK_HOSTS.has(url.hostname)) return;
    if (!offLoopbackRequests.includes(url.href)) offLoopbackRequests.push(url.href);
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await context.close();
    await rm(profileDir, { recursive: true, force: true });
  };
  return {
    context,
    profileDir,
    offLoopbackRequests,
    close,
    [Symbol.asyncDispose]: close,
  };
}
