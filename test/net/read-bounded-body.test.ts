import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { readBoundedBody } from '../../src/net/read-bounded-body.js';
import { closeServer, listen } from '../../subgraphs/lib/serve.js';
import { startHugeResponseServer } from './huge-response-server.js';

const dispatcher = new Agent();
afterAll(() => dispatcher.close());

const MB = 1024 * 1024;
// What loopback TCP buffers can hold between the server's writes and the client's reads
// (Linux autotuning tops out near 4 MiB send + 6 MiB receive): far below the 50 MB sent.
const kernelBuffers = 12 * MB;

async function serveOnce(handler: Parameters<typeof createServer>[1]): Promise<{ url: string } & AsyncDisposable> {
  const server = createServer(handler);
  await listen(server, 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, [Symbol.asyncDispose]: () => closeServer(server) };
}

describe('readBoundedBody', () => {
  it('returns the whole text of a body within the limit, without a byte order mark', async () => {
    await using server = await serveOnce((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // A multi-byte character split across two writes must still decode.
      const euro = Buffer.from('€');
      res.write(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"price":"12'), euro.subarray(0, 1)]));
      res.end(Buffer.concat([euro.subarray(1), Buffer.from('"}')]));
    });
    const result = await readBoundedBody(await request(server.url, { dispatcher }), 1_000);
    expect(result).toEqual({ ok: true, text: '{"price":"12€"}', bytes: 3 + 12 + 3 + 2 });
  });

  it('stops a chunked 50 MB body just past the limit and closes the connection', async () => {
    await using huge = await startHugeResponseServer({ totalBytes: 50 * MB });
    const result = await readBoundedBody(await request(`${huge.url}/huge`, { dispatcher }), 1 * MB);
    expect(result).toMatchObject({ ok: false, reason: 'too-large', maxBytes: MB, declaredBytes: undefined });
    const { bytesRead } = result as { bytesRead: number };
    expect(bytesRead).toBeGreaterThan(MB);
    expect(bytesRead).toBeLessThanOrEqual(MB + 64 * 1024);

    // The server learns of it through its socket closing, not by finishing the 50 MB.
    const answer = await huge.answers[0]!;
    expect(answer.finished).toBe(false);
    expect(answer.bytesWritten).toBeLessThan(MB + kernelBuffers);
  });

  it('refuses a declared content-length over the limit without reading any of it', async () => {
    await using huge = await startHugeResponseServer({ totalBytes: 50 * MB, declareLength: true });
    const result = await readBoundedBody(await request(`${huge.url}/huge`, { dispatcher }), MB);
    expect(result).toEqual({ ok: false, reason: 'too-large', maxBytes: MB, bytesRead: 0, declaredBytes: 50 * MB });
    const answer = await huge.answers[0]!;
    expect(answer.finished).toBe(false);
    expect(answer.bytesWritten).toBeLessThan(kernelBuffers);
  });

  it('answers failed, not a rejection, when the connection breaks mid-body', async () => {
    await using server = await serveOnce((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":', () => res.socket?.destroy());
    });
    const result = await readBoundedBody(await request(server.url, { dispatcher }), 1_000);
    expect(result).toMatchObject({ ok: false, reason: 'failed', bytesRead: 11 });
    expect((result as { error: unknown }).error).toBeInstanceOf(Error);
  });

  it('answers failed when the request is aborted while the body streams', async () => {
    await using huge = await startHugeResponseServer({ totalBytes: 50 * MB });
    const controller = new AbortController();
    const response = await request(`${huge.url}/huge`, { dispatcher, signal: controller.signal });
    controller.abort();
    const result = await readBoundedBody(response, 100 * MB);
    expect(result).toMatchObject({ ok: false, reason: 'failed' });
    expect((await huge.answers[0]!).finished).toBe(false);
  });
});
