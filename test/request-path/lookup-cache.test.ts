import { describe, expect, it } from 'vitest';
import { LookupCache } from '../../src/request-path/plugins/consumer-auth/lookup-cache.js';

/** A store stand-in that answers when told to, and counts the questions. */
function slowSource() {
  const pending: Array<{ key: string; answer: (value: { v: string } | undefined) => void }> = [];
  const loads: string[] = [];
  return {
    loads,
    pending,
    load(key: string) {
      loads.push(key);
      return new Promise<{ v: string } | undefined>((resolve) => pending.push({ key, answer: resolve }));
    },
  };
}

describe('LookupCache', () => {
  const options = { ttlMs: 60_000, negativeTtlMs: 60_000, max: 100 };

  it('shares one load between concurrent misses and answers later calls from the cache', async () => {
    const source = slowSource();
    const cache = new LookupCache((key) => source.load(key), options);
    const both = Promise.all([cache.get('a'), cache.get('a')]);
    source.pending.shift()!.answer({ v: 'first' });
    expect(await both).toEqual([{ v: 'first' }, { v: 'first' }]);
    expect(await cache.get('a')).toEqual({ v: 'first' });
    expect(source.loads).toEqual(['a']);
  });

  it('does not keep an answer loaded before an invalidation', async () => {
    const source = slowSource();
    const cache = new LookupCache((key) => source.load(key), options);
    const before = cache.get('a');
    // The change lands while the old answer is on its way.
    cache.invalidate();
    source.pending.shift()!.answer({ v: 'old' });
    expect(await before).toEqual({ v: 'old' });
    const after = cache.get('a');
    source.pending.shift()!.answer({ v: 'new' });
    expect(await after).toEqual({ v: 'new' });
    expect(source.loads).toEqual(['a', 'a']);
  });

  it('drops only the entries an invalidation picks, "not found" ones included', async () => {
    const source = slowSource();
    const cache = new LookupCache((key) => source.load(key), options);
    for (const key of ['a', 'b', 'missing']) {
      const loading = cache.get(key);
      source.pending.shift()!.answer(key === 'missing' ? undefined : { v: key });
      await loading;
    }
    cache.invalidate((key, value) => value?.v === 'a' || key === 'missing');
    const again = Promise.all(['a', 'b', 'missing'].map((key) => cache.get(key)));
    while (source.pending.length) source.pending.shift()!.answer({ v: 'reloaded' });
    expect(await again).toEqual([{ v: 'reloaded' }, { v: 'b' }, { v: 'reloaded' }]);
    expect(source.loads).toEqual(['a', 'b', 'missing', 'a', 'missing']);
  });
});
