import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createParseCaches, estimatedBytes } from '../../src/request-path/document-cache.js';
import { serveSubgraph } from '../../subgraphs/lib/serve.js';
import { startGatehouse } from '../helpers/gatehouse.js';
import { shop } from './fixtures.js';

const MB = 1_000_000;

describe('the parse cache', () => {
  it('keeps a thousand distinct 1 MB documents within its byte budget', () => {
    const caches = createParseCaches({ maxEntries: 1_000, maxBytes: 16 * MB });
    const padding = 'x'.repeat(MB);
    // Each text's own AST would hold its text too; one shared AST keeps the test fast.
    const document = parse('{ expensive }');
    for (let i = 0; i < 1_000; i++) {
      // Distinct texts of 1 MB each: a gigabyte if every one were kept.
      caches.documentCache.set(`# ${i} ${padding}\n{ expensive }`, document);
    }
    expect(caches.bytes).toBeLessThanOrEqual(16 * MB);
    expect(caches.size).toBeLessThanOrEqual(16);
    expect(caches.size).toBeGreaterThan(10);
  });

  it('counts the tokens of a parsed document, not only its text', () => {
    const dense = `{ ${Array.from({ length: 1_000 }, (_, i) => `f${i}`).join(' ')} }`;
    const document = parse(dense);
    // 1,002 tokens (and <SOF>, <EOF>) at ~512 bytes each dwarf the 6 KB of text.
    expect(estimatedBytes(dense, document)).toBe(Buffer.byteLength(dense) + 1_004 * 512);
    expect(estimatedBytes(dense, new Error('Syntax Error'))).toBe(Buffer.byteLength(dense));

    const caches = createParseCaches({ maxEntries: 1_000, maxBytes: 2 * MB });
    for (let i = 0; i < 100; i++) {
      const text = dense.replace('f0', `g${i}`);
      caches.documentCache.set(text, parse(text));
    }
    expect(caches.bytes).toBeLessThanOrEqual(2 * MB);
    expect(caches.size).toBe(Math.floor((2 * MB) / estimatedBytes(dense, document)));
  });

  it('shares one budget between documents and errors, and hands each back only as what it is', () => {
    const caches = createParseCaches({ maxEntries: 2, maxBytes: MB });
    const error = new Error('Syntax Error: Unexpected <EOF>.');
    caches.documentCache.set('{ a }', parse('{ a }'));
    caches.errorCache.set('{ a', error);
    expect(caches.documentCache.get('{ a }')?.kind).toBe('Document');
    expect(caches.errorCache.get('{ a }')).toBeUndefined();
    expect(caches.errorCache.get('{ a')).toBe(error);
    expect(caches.documentCache.get('{ a')).toBeUndefined();
    caches.documentCache.set('{ b }', parse('{ b }'));
    // Two entries at most, least recently used out first.
    expect(caches.size).toBe(2);
    expect(caches.documentCache.get('{ a }')).toBeUndefined();
  });

  it('keeps nothing bigger than its whole budget, and nothing at all with a budget of 0', () => {
    const caches = createParseCaches({ maxEntries: 10, maxBytes: 1_000 });
    const big = `# ${'x'.repeat(2_000)}\n{ a }`;
    caches.documentCache.set(big, parse(big));
    expect(caches.size).toBe(0);
    const off = createParseCaches({ maxEntries: 0 });
    off.documentCache.set('{ a }', parse('{ a }'));
    expect(off.documentCache.get('{ a }')).toBeUndefined();
  });

  it('still serves repeated documents over HTTP with a small budget', async () => {
    await using subgraph = await serveSubgraph(shop);
    await using gatehouse = await startGatehouse({
      backends: [{ name: 'shop', url: subgraph.url }],
      env: { GATEHOUSE_DOCUMENT_CACHE_BYTES: '20000' },
    });
    // Bigger than the whole budget, so never cached: parsed each time, and answered each time.
    const large = `# ${'x'.repeat(30_000)}\n{ product(upc: "p1") { name } }`;
    for (let i = 0; i < 3; i++) expect((await gatehouse.query(large)).body).toEqual({ data: { product: { name: 'Table' } } });
    expect((await gatehouse.query('{ product(upc: "p2") { name } }')).body).toEqual({ data: { product: { name: 'Couch' } } });
  });
});
