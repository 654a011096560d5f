import { readFileSync } from 'node:fs';
import { isEnumType, type GraphQLEnumType } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOpenApiDocument } from '../../../src/sources/openapi/document.js';
import { asJson, buildSource, dispatcher, execute } from './fixtures.js';
import { multipartOf, startRecordingServer } from './recording-server.js';

// Excerpts of published documents; where each comes from is in fixtures/README.md.
const stripe = parseOpenApiDocument(readFileSync(new URL('./fixtures/stripe.json', import.meta.url), 'utf8'));
const telegram = parseOpenApiDocument(readFileSync(new URL('./fixtures/telegram.yaml', import.meta.url), 'utf8'));

afterAll(() => dispatcher.close());

const argumentsOf = (source: ReturnType<typeof buildSource>, operationId: string) => source.operations.get(operationId)?.argumentNames;

describe('Stripe: every body a form or multipart one', () => {
  const source = buildSource(stripe, 'http://127.0.0.1:1', { name: 'stripe', prefix: 'stripe' });

  it('maps every operation; the empty form body Stripe gives GET and DELETE is no argument', () => {
    expect(source.warnings).toEqual([]);
    expect([...source.operations.keys()]).toEqual(['PostDisputesDisputeClose', 'DeleteEphemeralKeysKey', 'GetFiles', 'PostFiles', 'PostInvoices']);
    expect(argumentsOf(source, 'GetFiles')).toEqual(['created', 'ending_before', 'expand', 'limit', 'purpose']);
    expect(argumentsOf(source, 'DeleteEphemeralKeysKey')).toEqual(['key']);
    expect(argumentsOf(source, 'PostDisputesDisputeClose')).toEqual(['input', 'dispute']);
  });

  it('sends a form body with deepObject members nested the way Stripe reads them', async () => {
    await using backend = await startRecordingServer(() => ({ id: 'in_1', object: 'invoice', customer: 'cus_1' }));
    const live = buildSource(stripe, backend.url, { name: 'stripe', prefix: 'stripe' });
    const result = await execute(
      live,
      'mutation ($input: StripePostInvoicesBodyInput) { stripe_PostInvoices(input: $input) { id customer } }',
      {
        input: {
          customer: 'cus_1',
          auto_advance: true,
          collection_method: 'send_invoice',
          days_until_due: 30,
          description: 'March & April',
          custom_fields: [{ name: 'PO', value: '42' }, { name: 'Ref', value: 'a b' }],
          default_tax_rates: ['txr_1', 'txr_2'],
          expand: ['customer'],
          metadata: { order_id: '6735' },
        },
      },
    );
    expect(result.errors).toBeUndefined();
    expect(asJson(result.data)).toEqual({ stripe_PostInvoices: { id: 'in_1', customer: 'cus_1' } });
    const [request] = backend.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/invoices', contentType: 'application/x-www-form-urlencoded' });
    // Fields in the schema's order; members without a style are form-encoded, deepObject ones nested.
    expect(request!.body.toString()).toBe(
      [
        'auto_advance=true',
        'collection_method=send_invoice',
        'custom_fields%5B0%5D%5Bname%5D=PO',
        'custom_fields%5B0%5D%5Bvalue%5D=42',
        'custom_fields%5B1%5D%5Bname%5D=Ref',
        'custom_fields%5B1%5D%5Bvalue%5D=a+b',
        'customer=cus_1',
        'days_until_due=30',
        'default_tax_rates%5B0%5D=txr_1',
        'default_tax_rates%5B1%5D=txr_2',
        'description=March+%26+April',
        'expand%5B0%5D=customer',
        'metadata%5Border_id%5D=6735',
      ].join('&'),
    );
  });

  it('sends deepObject query parameters and no body for an empty form body', async () => {
    await using backend = await startRecordingServer((request) =>
      request.method === 'GET' ? { data: [], has_more: false, object: 'list', url: '/v1/files' } : { id: 'ephkey_1', object: 'ephemeral_key', created: 1, expires: 2, livemode: false },
    );
    const live = buildSource(stripe, backend.url, { name: 'stripe', prefix: 'stripe' });
    const list = await execute(live, '{ stripe_GetFiles(created: { gt: 1600000000, lte: 1700000000 }, expand: ["data.links"], limit: 3) { has_more } }');
    expect(list.errors).toBeUndefined();
    const removed = await execute(live, 'mutation { stripe_DeleteEphemeralKeysKey(key: "ephkey_1") { id } }');
    expect(removed.errors).toBeUndefined();
    expect(backend.requests.map(({ method, url, contentType, body }) => ({ method, url, contentType, body: body.toString() }))).toEqual([
      { method: 'GET', url: '/v1/files?created%5Bgt%5D=1600000000&created%5Blte%5D=1700000000&expand%5B0%5D=data.links&limit=3', contentType: undefined, body: '' },
      { method: 'DELETE', url: '/v1/ephemeral_keys/ephkey_1', contentType: undefined, body: '' },
    ]);
  });

  it('uploads a file as a multipart part, deepObject members as their own parts', async () => {
    await using backend = await startRecordingServer(() => ({ id: 'file_1', object: 'file', created: 1, purpose: 'dispute_evidence', size: 6 }));
    const live = buildSource(stripe, backend.url, { name: 'stripe', prefix: 'stripe' });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x00, 0xff]);
    const result = await execute(live, 'mutation ($input: StripePostFilesBodyInput!) { stripe_PostFiles(input: $input) { id size } }', {
      input: {
        file: { base64: png.toString('base64'), filename: 'receipt "1".png', contentType: 'image/png' },
        purpose: 'dispute_evidence',
        file_link_data: { create: true, metadata: { case: '7' } },
        expand: ['links'],
      },
    });
    expect(result.errors).toBeUndefined();
    const [request] = backend.requests;
    expect(request!.contentType).toMatch(/^multipart\/form-data; boundary=-+GatehouseBoundary[0-9a-f]{32}$/);
    const form = await multipartOf(request!);
    const file = form.get('file') as File;
    expect(file).toBeInstanceOf(File);
    // Sent as `receipt %221%22.png` (the HTML standard's escaping); parsers read the quotes back.
    expect({ name: file.name, type: file.type }).toEqual({ name: 'receipt "1".png', type: 'image/png' });
    expect(Buffer.from(await file.arrayBuffer())).toEqual(png);
    expect([...form.entries()].filter(([name]) => name !== 'file')).toEqual([
      ['expand[0]', 'links'],
      ['file_link_data[create]', 'true'],
      ['file_link_data[metadata][case]', '7'],
      ['purpose', 'dispute_evidence'],
    ]);
  });

  it('refuses a file that is not base64 before calling the backend', async () => {
    await using backend = await startRecordingServer();
    const live = buildSource(stripe, backend.url, { name: 'stripe', prefix: 'stripe' });
    const result = await execute(live, 'mutation ($input: StripePostFilesBodyInput!) { stripe_PostFiles(input: $input) { id } }', {
      input: { file: { base64: 'not base64!' }, purpose: 'dispute_evidence' },
    });
    expect(result.errors?.[0]?.message).toMatch(/StripeBase64 expects base64 text/);
    expect(backend.requests).toHaveLength(0);
  });
});

describe('Telegram: an enum of emoji', () => {
  const source = buildSource(telegram, 'http://127.0.0.1:1', { name: 'telegram', prefix: 'telegram' });

  it('registers, naming each emoji by its code point', () => {
    expect(source.warnings).toEqual([]);
    const emoji = source.schema.getType('TelegramPostSendDiceBodyEmoji') as GraphQLEnumType;
    expect(isEnumType(emoji)).toBe(true);
    expect(emoji.getValues().map(({ name, value, description }) => ({ name, value, description }))).toEqual([
      { name: 'U1F3B2', value: '🎲', description: '"🎲" in the REST API.' },
      { name: 'U1F3AF', value: '🎯', description: '"🎯" in the REST API.' },
      { name: 'U1F3C0', value: '🏀', description: '"🏀" in the REST API.' },
      { name: 'U26BD', value: '⚽', description: '"⚽" in the REST API.' },
      { name: 'U1F3B0', value: '🎰', description: '"🎰" in the REST API.' },
    ]);
  });

  it('sends the emoji itself (JSON, the first of the three media types offered) and a multipart-only call', async () => {
    await using backend = await startRecordingServer(() => ({ ok: true, result: { message_id: 7, date: 1, dice: { emoji: '🎯', value: 6 } } }));
    const live = buildSource(telegram, backend.url, { name: 'telegram', prefix: 'telegram' });
    const dice = await execute(live, 'mutation { telegram_postSendDice(input: { chat_id: 42, emoji: U1F3AF }) { result { dice { emoji value } } } }');
    expect(dice.errors).toBeUndefined();
    expect(asJson(dice.data)).toEqual({ telegram_postSendDice: { result: { dice: { emoji: '🎯', value: 6 } } } });
    const note = await execute(live, 'mutation { telegram_postSendVideoNote(input: { chat_id: "@channel", video_note: "file-id-1", length: 240 }) { ok } }');
    expect(note.errors).toBeUndefined();

    const [diceRequest, noteRequest] = backend.requests;
    expect(diceRequest).toMatchObject({ url: '/sendDice', contentType: 'application/json' });
    expect(JSON.parse(diceRequest!.body.toString())).toEqual({ chat_id: 42, emoji: '🎯' });
    expect(noteRequest!.url).toBe('/sendVideoNote');
    expect([...(await multipartOf(noteRequest!)).entries()]).toEqual([
      ['chat_id', '@channel'],
      ['length', '240'],
      ['video_note', 'file-id-1'],
    ]);
  });
});
