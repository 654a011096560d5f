import type { GraphQLEnumType } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOpenApiDocument, type OpenApiDocument } from '../../../src/sources/openapi/document.js';
import { SourceDefinitionError } from '../../../src/sources/types.js';
import { asJson, buildSource, dispatcher, execute } from './fixtures.js';
import { startRecordingServer } from './recording-server.js';

afterAll(() => dispatcher.close());

const ok = (schema: unknown = { type: 'object', properties: { ok: { type: 'boolean' } } }) => ({
  '200': { description: 'ok', content: { 'application/json': { schema } } },
});
const documentOf = (paths: Record<string, unknown>, components?: Record<string, unknown>): OpenApiDocument =>
  parseOpenApiDocument(JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths, components }));

describe('enum values made only of symbols', () => {
  const values = ['<', '<=', '==', '!=', '>=', '=', 'EQ', '', '_', '__', '👍', '👍🏽', '≥', 'x-small', 'true'];
  const document = documentOf(
    { '/compare': { get: { operationId: 'compare', parameters: [{ name: 'op', in: 'query', required: true, schema: { $ref: '#/components/schemas/Op' } }], responses: ok({ type: 'object', properties: { op: { $ref: '#/components/schemas/Op' } } }) } } },
    { schemas: { Op: { type: 'string', enum: values } } },
  );

  it('get unique, readable names that never start with __', () => {
    const source = buildSource(document, 'http://127.0.0.1:1', { prefix: 'shop' });
    const names = (source.schema.getType('ShopOp') as GraphQLEnumType).getValues().map((value) => value.name);
    expect(names).toEqual(['LT', 'LT_EQ', 'EQ_EQ', 'NOT_EQ', 'GT_EQ', 'EQ', 'EQ_2', 'EMPTY', '_', 'UNDERSCORE_UNDERSCORE', 'U1F44D', 'U1F44D_U1F3FD', 'GE', 'x_small', '_true']);
  });

  it('send and read back the exact strings the backend uses', async () => {
    await using backend = await startRecordingServer(() => ({ op: '👍🏽' }));
    const source = buildSource(document, backend.url, { prefix: 'shop' });
    const result = await execute(source, '{ a: shop_compare(op: LT_EQ) { op } b: shop_compare(op: EMPTY) { op } c: shop_compare(op: EQ_2) { op } }');
    expect(result.errors).toBeUndefined();
    expect(asJson(result.data)).toEqual({ a: { op: 'U1F44D_U1F3FD' }, b: { op: 'U1F44D_U1F3FD' }, c: { op: 'U1F44D_U1F3FD' } });
    expect(backend.requests.map((request) => request.url)).toEqual(['/compare?op=%3C%3D', '/compare?op=', '/compare?op=EQ']);
  });
});

describe('property names made only of symbols', () => {
  it('become _, _2, _3 (never __2) and still read the JSON members', async () => {
    const document = documentOf({
      '/reactions': { get: { operationId: 'reactions', responses: ok({ type: 'object', properties: { '+': { type: 'integer' }, '-': { type: 'integer' }, $: { type: 'integer' }, '+1': { type: 'integer' }, '-1': { type: 'integer' } } }) } },
    });
    await using backend = await startRecordingServer(() => ({ '+': 1, '-': 2, $: 3, '+1': 4, '-1': 5 }));
    const source = buildSource(document, backend.url, { prefix: 'gh' });
    const result = await execute(source, '{ gh_reactions { _ _2 _3 _1 _1_2 } }');
    expect(result.errors).toBeUndefined();
    expect(asJson(result.data)).toEqual({ gh_reactions: { _: 1, _2: 2, _3: 3, _1: 4, _1_2: 5 } });
  });
});

describe('documents other tools accept, mapped with a warning', () => {
  it('gives a path variable without a parameter a required String argument', async () => {
    const document = documentOf({
      '/stores/{storeId}/items/{item-id}': {
        get: { operationId: 'getItem', parameters: [{ name: 'storeId', in: 'path', required: true, schema: { type: 'integer' } }], responses: ok() },
      },
    });
    await using backend = await startRecordingServer(() => ({ ok: true }));
    const source = buildSource(document, backend.url, { prefix: 'shop' });
    expect(source.warnings).toEqual([
      'paths./stores/{storeId}/items/{item-id}.get: operation "getItem": the path variable {item-id} has no parameter; it is the required String argument "item_id".',
    ]);
    expect(source.operations.get('getItem')?.argumentNames).toEqual(['storeId', 'item_id']);
    expect((await execute(source, '{ shop_getItem(storeId: 3, item_id: "a/b") { ok } }')).errors).toBeUndefined();
    expect(backend.requests[0]!.url).toBe('/stores/3/items/a%2Fb');
  });

  it('renames a repeated operationId and keeps the document’s ids over generated ones', () => {
    const document = documentOf({
      '/a': { get: { operationId: 'list', responses: ok() } },
      '/b': { get: { operationId: 'list', responses: ok() } },
      // Would generate `getItems`, which the next operation names itself.
      '/items': { get: { responses: ok() } },
      '/c': { get: { operationId: 'getItems', responses: ok() } },
    });
    const source = buildSource(document, 'http://127.0.0.1:1', { prefix: 'shop' });
    expect([...source.operations.keys()]).toEqual(['list', 'list_2', 'getItems_2', 'getItems']);
    expect([...source.operations.values()].map((operation) => operation.fieldName)).toEqual(['shop_list', 'shop_list_2', 'shop_getItems_2', 'shop_getItems']);
    expect(source.warnings).toEqual(['paths./b.get: the operationId "list" is also an earlier operation\'s; this one is "list_2".']);
  });

  it('leaves out an operation whose required body it cannot map, and calls one with an optional one without it', () => {
    const document = documentOf({
      '/reports': { post: { operationId: 'createReport', requestBody: { required: true, content: { 'text/xml': { schema: { type: 'string' } } } }, responses: ok() } },
      '/notes': { put: { operationId: 'putNote', requestBody: { content: { 'text/plain': {}, 'application/xml': {} } }, responses: ok() } },
    });
    const source = buildSource(document, 'http://127.0.0.1:1', { prefix: 'shop' });
    expect([...source.operations.keys()]).toEqual(['putNote']);
    expect(source.operations.get('putNote')?.argumentNames).toEqual([]);
    expect(source.warnings).toEqual([
      'paths./reports.post: operation "createReport" left out: its request body is text/xml; only application/json, application/x-www-form-urlencoded, multipart/form-data bodies are mapped.',
      'paths./notes.put: operation "putNote" is called without its optional request body: its request body is text/plain, application/xml; only application/json, application/x-www-form-urlencoded, multipart/form-data bodies are mapped.',
    ]);
  });

  it('says why when no operation can be mapped, instead of claiming there are none', () => {
    const xml = { required: true, content: { 'text/xml': {} } };
    const document = documentOf({
      '/a': { post: { operationId: 'a', requestBody: xml, responses: ok() } },
      '/b': { post: { operationId: 'b', requestBody: xml, responses: ok() } },
      '/c': { put: { operationId: 'c', requestBody: xml, responses: ok() } },
      '/d': { put: { operationId: 'd', requestBody: xml, responses: ok() } },
    });
    let error: unknown;
    try {
      buildSource(document, 'http://127.0.0.1:1');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SourceDefinitionError);
    expect((error as SourceDefinitionError).location).toBe('paths');
    expect((error as Error).message).toBe(
      "None of the document's 4 operations could be mapped: " +
        ['a', 'b', 'c']
          .map((id) => `paths./${id}.${id < 'c' ? 'post' : 'put'}: operation "${id}" left out: its request body is text/xml; only application/json, application/x-www-form-urlencoded, multipart/form-data bodies are mapped.`)
          .join(' ') +
        ' (and 1 more)',
    );
  });

  it('says which multipart part headers it cannot send', () => {
    const document = documentOf({
      '/upload': {
        post: {
          operationId: 'upload',
          requestBody: {
            content: {
              'multipart/form-data': {
                schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } },
                encoding: { file: { headers: { 'X-Rate-Limit-Limit': { schema: { type: 'integer' } } } } },
              },
            },
          },
          responses: ok(),
        },
      },
    });
    expect(buildSource(document, 'http://127.0.0.1:1').warnings).toEqual([
      'paths./upload.post: operation "upload": the part headers of "file" (X-Rate-Limit-Limit) are not sent.',
    ]);
  });
});

describe('form and multipart encoding rules', () => {
  const document = documentOf({
    '/search': {
      post: {
        operationId: 'search',
        requestBody: {
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                properties: {
                  tags: { type: 'array', items: { type: 'string' } },
                  ids: { type: 'array', items: { type: 'integer' } },
                  range: { type: 'object', properties: { min: { type: 'integer' }, max: { type: 'integer' } } },
                  filter: { type: 'object', properties: { field: { type: 'string' }, op: { type: 'string' } } },
                  'display-name': { type: 'string' },
                },
              },
              encoding: {
                ids: { style: 'pipeDelimited', explode: false },
                filter: { contentType: 'application/json' },
              },
            },
          },
        },
        responses: ok(),
      },
    },
    '/albums': {
      post: {
        operationId: 'createAlbum',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['photos'],
                properties: {
                  title: { type: 'string' },
                  photos: { type: 'array', items: { type: 'string', format: 'binary' } },
                  cover: { type: 'string', contentMediaType: 'image/png' },
                  meta: { type: 'object', properties: { public: { type: 'boolean' } } },
                  labels: { type: 'array', items: { type: 'string' } },
                },
              },
              encoding: { photos: { contentType: 'image/jpeg, image/png' }, cover: { contentType: 'image/*' } },
            },
          },
        },
        responses: ok(),
      },
    },
  });

  it('form-encodes by style and explode, the spec defaults (form, exploded) where unset', async () => {
    await using backend = await startRecordingServer(() => ({ ok: true }));
    const source = buildSource(document, backend.url, { prefix: 'shop' });
    const result = await execute(
      source,
      'mutation { shop_search(input: { tags: ["a b", "c"], ids: [1, 2, 3], range: { min: 1, max: 9 }, filter: { field: "name", op: "=" }, display_name: "x" }) { ok } }',
    );
    expect(result.errors).toBeUndefined();
    expect([...new URLSearchParams(backend.requests[0]!.body.toString())]).toEqual([
      ['tags', 'a b'],
      ['tags', 'c'],
      ['ids', '1|2|3'],
      // An exploded form object spreads its members (RFC 6570 `{?range*}`).
      ['min', '1'],
      ['max', '9'],
      ['filter', '{"field":"name","op":"="}'],
      ['display-name', 'x'],
    ]);
  });

  it('sends each file of a list as its own part, objects as JSON parts, lists of values as repeated parts', async () => {
    await using backend = await startRecordingServer(() => ({ ok: true }));
    const source = buildSource(document, backend.url, { prefix: 'shop' });
    const result = await execute(source, 'mutation ($input: ShopCreateAlbumBodyInput!) { shop_createAlbum(input: $input) { ok } }', {
      input: {
        title: 'Trip',
        photos: [{ base64: Buffer.from('first').toString('base64'), filename: 'a.jpg' }, { base64: Buffer.from('second').toString('base64url'), contentType: 'image/webp' }],
        cover: { base64: Buffer.from('cover').toString('base64') },
        meta: { public: true },
        labels: ['x', 'y'],
      },
    });
    expect(result.errors).toBeUndefined();
    const body = backend.requests[0]!.body.toString('latin1');
    const boundary = /boundary=(.+)$/.exec(backend.requests[0]!.contentType!)![1]!;
    expect(body.split(`--${boundary}`)).toEqual([
      '',
      '\r\nContent-Disposition: form-data; name="title"\r\n\r\nTrip\r\n',
      '\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\nfirst\r\n',
      '\r\nContent-Disposition: form-data; name="photos"; filename="photos"\r\nContent-Type: image/webp\r\n\r\nsecond\r\n',
      // `image/*` names no type to send: the generic one.
      '\r\nContent-Disposition: form-data; name="cover"; filename="cover"\r\nContent-Type: application/octet-stream\r\n\r\ncover\r\n',
      '\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n{"public":true}\r\n',
      '\r\nContent-Disposition: form-data; name="labels"\r\n\r\nx\r\n',
      '\r\nContent-Disposition: form-data; name="labels"\r\n\r\ny\r\n',
      '--\r\n',
    ]);
  });
});
