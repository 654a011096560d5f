import { describe, expect, it } from 'vitest';
import { redactForAudit } from '../../src/audit/redact.js';

describe('audit redaction', () => {
  it('removes header values, keys, tokens and URL queries, keeps names, shortens long strings', () => {
    const sdl = `type Query { ${'field: String '.repeat(40)}}`;
    expect(
      redactForAudit({
        input: {
          name: 'billing',
          url: 'https://billing.example/graphql?access_token=abc',
          headers: [{ name: 'authorization', value: 'Bearer xyz' }],
          sdl,
          timeoutMs: 5000,
          nested: { token: 't', password: 'p', apiKey: 'k', key: 'gh_live_x', keyHash: 'h' },
        },
        headers: { 'x-service-token': 'secret' },
        at: new Date(Date.UTC(2030, 0, 1)),
        gone: undefined,
      }),
    ).toEqual({
      input: {
        name: 'billing',
        url: 'https://billing.example/graphql?[redacted]',
        headers: [{ name: 'authorization', value: '[redacted]' }],
        sdl: expect.stringMatching(/^type Query \{ field: String .*… \(\d+ characters, sha256:[0-9a-f]{16}…\)$/),
        timeoutMs: 5000,
        nested: { token: '[redacted]', password: '[redacted]', apiKey: '[redacted]', key: '[redacted]', keyHash: '[redacted]' },
      },
      headers: { 'x-service-token': '[redacted]' },
      at: '2030-01-01T00:00:00.000Z',
    });
  });
});
