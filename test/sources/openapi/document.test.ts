import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { fetchOpenApiDocument, parseOpenApiDocument } from '../../../src/sources/openapi/document.js';
import { SourceDefinitionError } from '../../../src/sources/types.js';
import { start, type RunningPricingService } from '../../../subgraphs/rest-pricing/index.js';
import { closeServer, listen } from '../../../subgraphs/lib/serve.js';
import { startHangingServer } from '../../helpers/faulty-servers.js';
import { buildSource, dispatcher } from './fixtures.js';

let pricing: RunningPricingService;
let servedText: string;

beforeAll(async () => {
  pricing = await start();
  servedText = await fetchOpenApiDocument(pricing.openapiUrl, { dispatcher, timeoutMs: 5_000 });
});

afterAll(async () => {
  await pricing.close();
  await dispatcher.close();
});

function definitionError(run: () => unknown): SourceDefinitionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SourceDefinitionError);
    return error as SourceDefinitionError;
  }
  throw new Error('expected a SourceDefinitionError');
}

describe('parseOpenApiDocument', () => {
  it('reads the served JSON document and the same document as YAML to the same schema', () => {
    const fromJson = parseOpenApiDocument(servedText);
    expect(fromJson.openapi).toBe('3.0.3');
    const yamlText = toYaml(JSON.parse(servedText));
    expect(yamlText.trimStart().startsWith('{')).toBe(false);
    const fromYaml = parseOpenApiDocument(yamlText);
    expect(fromYaml).toEqual(fromJson);
    expect(printSchema(buildSource(fromYaml, pricing.url).schema)).toBe(printSchema(buildSource(fromJson, pricing.url).schema));
  });

  it.each([
    ['empty text', '  ', /empty/],
    ['broken JSON', '{"openapi": "3.0.3", ', /not valid JSON/],
    ['text that is neither JSON nor YAML', 'openapi: [3.0\n  : : }', /neither JSON nor valid YAML/],
    ['a YAML scalar', 'just some words', /not an object/],
    ['Swagger 2.0', JSON.stringify({ swagger: '2.0', info: {}, paths: {} }), /Swagger 2\.0 documents are not supported/],
    ['OpenAPI 2.x in the openapi field', JSON.stringify({ openapi: '2.0', paths: {} }), /not OpenAPI 3\.x/],
    ['no paths', JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' } }), /no `paths`/],
    [
      'a dangling $ref',
      JSON.stringify({
        openapi: '3.0.3',
        paths: { '/a': { get: { responses: { '200': { $ref: '#/components/responses/Missing' } } } } },
      }),
      /"#\/components\/responses\/Missing" points to nothing/,
    ],
    ['an external $ref', JSON.stringify({ openapi: '3.1.0', paths: { '/a': { $ref: 'other.yaml#/paths/a' } } }), /Only references inside the document/],
  ])('refuses %s with a SourceDefinitionError', (_, text, message) => {
    expect(definitionError(() => parseOpenApiDocument(text)).message).toMatch(message);
  });

  it('names where a dangling $ref sits', () => {
    const text = JSON.stringify({ openapi: '3.0.3', paths: { '/a': { get: { parameters: [{ $ref: '#/nope' }] } } } });
    expect(definitionError(() => parseOpenApiDocument(text)).location).toBe('paths./a.get.parameters.0');
  });
});

describe('fetchOpenApiDocument', () => {
  it('returns the served document text', () => {
    expect(JSON.parse(servedText)).toMatchObject({ openapi: '3.0.3', servers: [{ url: pricing.url }] });
  });

  it('refuses a non-200 answer', async () => {
    await expect(fetchOpenApiDocument(`${pricing.url}/missing.json`, { dispatcher, timeoutMs: 5_000 })).rejects.toThrow(
      new SourceDefinitionError('The OpenAPI document could not be fetched: the server answered HTTP 404.'),
    );
  });

  it('refuses an empty body', async () => {
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end();
    });
    await listen(server, 0, '127.0.0.1');
    try {
      const { port } = server.address() as AddressInfo;
      await expect(fetchOpenApiDocument(`http://127.0.0.1:${port}/openapi.json`, { dispatcher, timeoutMs: 5_000 })).rejects.toThrow(/empty body/);
    } finally {
      await closeServer(server);
    }
  });

  it('refuses an unreachable server and one that never answers', async () => {
    const stopped = await start();
    await stopped.close();
    const unreachable = fetchOpenApiDocument(stopped.openapiUrl, { dispatcher, timeoutMs: 5_000 });
    await expect(unreachable).rejects.toBeInstanceOf(SourceDefinitionError);
    await expect(unreachable).rejects.toThrow(/could not be fetched/);

    await using hanging = await startHangingServer();
    await expect(fetchOpenApiDocument(hanging.url, { dispatcher, timeoutMs: 200 })).rejects.toThrow(
      new SourceDefinitionError('The OpenAPI document did not arrive within 200 ms.'),
    );
  });
});
