import type { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { fetchOpenApiDocument, parseOpenApiDocument } from '../../../src/sources/openapi/document.js';
import { SourceDefinitionError } from '../../../src/sources/types.js';
import { startHugeResponseServer } from '../../net/huge-response-server.js';
import { asJson, buildSource, dispatcher, execute } from './fixtures.js';

const MB = 1024 * 1024;
const defaultLimit = 10 * MB;
// Loopback TCP buffers (Linux autotuning: up to ~4 MiB send + ~6 MiB receive) hold what the server
// wrote but the client never read.
const kernelBuffers = 12 * MB;

const document = parseOpenApiDocument(
  JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'huge', version: '1' },
    paths: {
      '/huge': { get: { operationId: 'getHuge', responses: { '200': { description: 'a lot', content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } } } } } },
      '/small': {
        get: {
          operationId: 'getSmall',
          responses: { '200': { description: 'a little', content: { 'application/json': { schema: { type: 'object', properties: { ok: { type: 'boolean' } } } } } } },
        },
      },
    },
  }),
);

/**
 * JavaScript heap plus Buffer memory of this (the gateway's) process. Read without forcing a
 * collection (vitest has no --expose-gc), so a difference counts garbage too: an upper bound.
 */
function memoryInUse(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

function onlyError(result: { data?: unknown; errors?: readonly GraphQLError[] }): GraphQLError {
  expect(result.errors).toHaveLength(1);
  expect(result.data).toEqual({ pricing_getHuge: null });
  return result.errors![0]!;
}

describe('a REST backend answering 50 MB', () => {
  it('fails the field with BACKEND_BAD_RESPONSE at the 10 MiB default, reads no further, and keeps serving', async () => {
    await using backend = await startHugeResponseServer({ totalBytes: 50 * MB });
    const source = buildSource(document, backend.url);
    const before = memoryInUse();

    const error = onlyError(await execute(source, '{ pricing_getHuge }'));
    expect(error.extensions).toEqual({ code: 'BACKEND_BAD_RESPONSE', backend: 'pricing' });
    expect(error.message).not.toContain(backend.url);

    // What the call allocated, garbage included: undici copies each chunk out of the socket's buffer,
    // so about twice the 10 MiB read. Unbounded, it was 50 MB of chunks plus a 50 MB string.
    expect(memoryInUse() - before).toBeLessThan(30 * MB);

    // It hung up: the backend's socket closed before the body was written, early.
    const answer = await backend.answers[0]!;
    expect(answer.finished).toBe(false);
    expect(answer.bytesWritten).toBeLessThan(defaultLimit + kernelBuffers);

    const next = await execute(source, '{ pricing_getSmall { ok } }');
    expect(next.errors).toBeUndefined();
    expect(asJson(next.data)).toEqual({ pricing_getSmall: { ok: true } });
    expect(backend.smallCount).toBe(1);
  });

  it('takes maxResponseBytes per source, and refuses a declared content-length before reading', async () => {
    await using backend = await startHugeResponseServer({ totalBytes: 50 * MB, declareLength: true });
    const source = buildSource(document, backend.url, { maxResponseBytes: 64 * 1024 });
    expect(onlyError(await execute(source, '{ pricing_getHuge }')).extensions).toEqual({ code: 'BACKEND_BAD_RESPONSE', backend: 'pricing' });
    const answer = await backend.answers[0]!;
    expect(answer.finished).toBe(false);
    expect(answer.bytesWritten).toBeLessThan(kernelBuffers);
    expect(asJson((await execute(source, '{ pricing_getSmall { ok } }')).data)).toEqual({ pricing_getSmall: { ok: true } });
  });
  it('still answers BACKEND_BAD_REQUEST for a 4xx whose body is over the limit', async () => {
    await using backend = await startHugeResponseServer({ totalBytes: 50 * MB, status: 404 });
    const source = buildSource(document, backend.url, { maxResponseBytes: MB, exposeErrors: true });
    const error = onlyError(await execute(source, '{ pricing_getHuge }'));
    expect(error.extensions).toEqual({ code: 'BACKEND_BAD_REQUEST', backend: 'pricing', status: 404 });
    expect(error.message).toBe('Backend "pricing" rejected the request (HTTP 404).');
    expect((await backend.answers[0]!).finished).toBe(false);
  });
});

describe('the OpenAPI document size limit', () => {
  it('stops downloading a document past maxBytes', async () => {
    await using backend = await startHugeResponseServer({ totalBytes: 50 * MB });
    await expect(fetchOpenApiDocument(`${backend.url}/huge`, { dispatcher, timeoutMs: 10_000, maxBytes: MB })).rejects.toThrow(
      new SourceDefinitionError(`The OpenAPI document is larger than ${MB} bytes, the limit GATEHOUSE_MAX_OPENAPI_DOCUMENT_BYTES sets.`),
    );
    const answer = await backend.answers[0]!;
    expect(answer.finished).toBe(false);
    expect(answer.bytesWritten).toBeLessThan(MB + kernelBuffers);
  });

  it('applies the same limit, in UTF-8 bytes, to a document given inline', () => {
    const text = JSON.stringify({ openapi: '3.0.3', info: { title: 'é'.repeat(600), version: '1' }, paths: {} });
    expect(() => parseOpenApiDocument(text, { maxBytes: 1_024 })).toThrow(/larger than 1024 bytes/);
    // 600 characters, but 1,200 bytes: the limit counts bytes.
    expect(text.length).toBeLessThan(1_024);
    expect(parseOpenApiDocument(text, { maxBytes: 2_048 }).openapi).toBe('3.0.3');
  });
});
