import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prices, start as startPricing, type RunningPricingService } from '../../../subgraphs/rest-pricing/index.js';
import { quote } from '../../../subgraphs/rest-pricing/quotes.js';
import { REGISTER_BACKEND, startGatehouse, type RunningGatehouse } from '../../helpers/gatehouse.js';
import { startRecordingServer, type RecordingServer } from './recording-server.js';

describe('OPENAPI backends with form, multipart and symbol-enum operations, through the gateway', () => {
  let pricing: RunningPricingService;
  let telegram: RecordingServer;
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    [pricing, telegram, gatehouse] = await Promise.all([
      startPricing(),
      startRecordingServer(() => ({ ok: true, result: { message_id: 1, date: 1, dice: { emoji: '🎰', value: 64 } } })),
      startGatehouse(),
    ]);
    const registered = await gatehouse.admin(REGISTER_BACKEND, { input: { name: 'pricing', kind: 'OPENAPI', url: pricing.url, openapi: pricing.openapiUrl } });
    expect(registered.body.errors).toBeUndefined();
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([pricing?.close(), telegram?.close()]);
  });

  it('posts a form-encoded quote that the REST service reads as the JSON one', async () => {
    const before = pricing.requestCounts.createQuoteFromForm;
    const result = await gatehouse.query(
      'mutation ($input: PricingQuoteRequestInput!) { pricing_createQuoteFromForm(input: $input, x_region: EU) { sku quantity currency totalAmount } }',
      { input: { sku: '3', quantity: 12 } },
    );
    expect(result.body.errors).toBeUndefined();
    const expected = quote(prices.get('3')!, 12, 'EUR');
    expect(result.body.data).toEqual({ pricing_createQuoteFromForm: { sku: '3', quantity: 12, currency: 'EUR', totalAmount: expected.totalAmount } });
    expect(pricing.requestCounts.createQuoteFromForm - before).toBe(1);
  });

  it('uploads a file in a multipart body, byte for byte', async () => {
    const csv = 'sku,amount\n3,999\n17,24900\n';
    const result = await gatehouse.query(
      'mutation ($input: PricingUploadPriceListBodyInput!) { pricing_uploadPriceList(input: $input) { filename contentType bytes sha256 currency rows { sku amount } note } }',
      { input: { file: { base64: Buffer.from(csv).toString('base64'), filename: 'spring.csv' }, currency: 'USD', note: 'spring prices' } },
    );
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      pricing_uploadPriceList: {
        filename: 'spring.csv',
        // The document's encoding names text/csv first.
        contentType: 'text/csv',
        bytes: csv.length,
        sha256: createHash('sha256').update(csv).digest('hex'),
        currency: 'USD',
        rows: [
          { sku: '3', amount: 999 },
          { sku: '17', amount: 24900 },
        ],
        note: 'spring prices',
      },
    });
  });

  it('registers a document whose enum values are emoji, inline, and sends them as they are', async () => {
    const document = await readFile(new URL('./fixtures/telegram.yaml', import.meta.url), 'utf8');
    const registered = await gatehouse.admin(REGISTER_BACKEND, { input: { name: 'telegram', kind: 'OPENAPI', url: telegram.url, openapi: document } });
    expect(registered.body.errors).toBeUndefined();
    const result = await gatehouse.query('mutation { telegram_postSendDice(input: { chat_id: 42, emoji: U1F3B0 }) { ok result { dice { emoji value } } } }');
    expect(result.body).toEqual({ data: { telegram_postSendDice: { ok: true, result: { dice: { emoji: '🎰', value: 64 } } } } });
    expect(JSON.parse(telegram.requests.at(-1)!.body.toString())).toEqual({ chat_id: 42, emoji: '🎰' });
  });
});
