import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { consumerWithPlan } from '../request-path/fixtures.js';
import { CATALOG_SDL, QUERIES, startCatalog } from '../usage/fixtures.js';

const T0 = Date.UTC(2030, 0, 15, 12, 30, 0);
const DAY = 86_400_000;

const CHECK = /* GraphQL */ `
  mutation Check($input: RegisterBackendInput!) {
    checkBackend(input: $input) {
      composes breaking breakingInUse usageSince
      changes { type criticality path safeBecauseUnused usage { requests consumers operations { name documentHash requests } } }
    }
  }
`;

interface CheckedChange {
  type: string;
  criticality: string;
  path: string | null;
  safeBecauseUnused: boolean;
  usage: { requests: number; consumers: string[]; operations: Array<{ name: string | null; documentHash: string; requests: number }> } | null;
}

interface CheckAnswer {
  composes: boolean;
  breaking: boolean;
  breakingInUse: boolean;
  usageSince: string | null;
  changes: CheckedChange[];
}

const without = (...lines: string[]) => lines.reduce((sdl, line) => sdl.replace(line, ''), CATALOG_SDL);
const NO_PRICE_NO_FEATURED = without('price: Int! @cost(weight: 5)', 'featured: [Product!]! @listSize(assumedSize: 3)');
const NO_FEATURED = without('featured: [Product!]! @listSize(assumedSize: 3)');
const NO_FIRST_ARGUMENT = CATALOG_SDL.replace('products(first: Int): [Product!]! @listSize(slicingArguments: ["first"])', 'products: [Product!]!');

describe('schema checks against real usage', () => {
  let subgraphs: Awaited<ReturnType<typeof startCatalog>>;
  let gatehouse: RunningGatehouse;
  let clock = T0;

  const check = async (target: RunningGatehouse, sdl: string): Promise<CheckAnswer> => {
    const result = await target.admin<{ checkBackend: CheckAnswer }>(CHECK, {
      input: { name: 'catalog', kind: 'FEDERATION_SUBGRAPH', url: subgraphs.catalog.url, sdl },
    });
    expect(result.body.errors).toBeUndefined();
    return result.body.data!.checkBackend;
  };
  const change = (answer: CheckAnswer, path: string) => answer.changes.find((each) => each.path === path);

  beforeAll(async () => {
    subgraphs = await startCatalog();
    gatehouse = await startGatehouse({
      now: () => clock,
      backends: [
        { name: 'catalog', url: subgraphs.catalog.url },
        { name: 'stock', url: subgraphs.stock.url },
      ],
    });
    const alpha = await consumerWithPlan(gatehouse, 'alpha', {});
    for (let i = 0; i < 2; i++) expect((await gatehouse.query(QUERIES.Prices, undefined, alpha)).body.errors).toBeUndefined();
    expect((await gatehouse.query(QUERIES.Legacy, undefined, alpha)).body.errors).toBeUndefined();
    await gatehouse.gatehouse.usage.recorder.flush();
  });

  afterAll(async () => {
    await gatehouse?.close();
    await subgraphs?.close();
  });

  it('reports a breaking change on an unused field as safe, and names who uses a used one', async () => {
    const answer = await check(gatehouse, NO_PRICE_NO_FEATURED);
    expect(answer).toMatchObject({ composes: true, breaking: true, breakingInUse: true, usageSince: new Date(T0 - 30 * DAY).toISOString() });
    expect(change(answer, 'Product.price')).toMatchObject({
      type: 'FIELD_REMOVED',
      criticality: 'BREAKING',
      safeBecauseUnused: false,
      usage: { requests: 2, consumers: ['alpha'], operations: [{ name: 'Prices', requests: 2 }] },
    });
    expect(change(answer, 'Query.featured')).toMatchObject({
      type: 'FIELD_REMOVED',
      criticality: 'BREAKING',
      safeBecauseUnused: true,
      usage: { requests: 0, consumers: [], operations: [] },
    });

    const onlyUnused = await check(gatehouse, NO_FEATURED);
    expect(onlyUnused).toMatchObject({ breaking: true, breakingInUse: false });
  });

  it("counts a field's uses for a change of its arguments", async () => {
    const answer = await check(gatehouse, NO_FIRST_ARGUMENT);
    expect(change(answer, 'Query.products.first')).toMatchObject({
      type: 'FIELD_ARGUMENT_REMOVED',
      safeBecauseUnused: false,
      usage: { requests: 2, consumers: ['alpha'] },
    });
  });

  it('shows who still uses a deprecated field, until no one has within the window', async () => {
    const query = `{ deprecatedFieldUsage { coordinate deprecationReason usage { requests consumers { consumer requests } operations { name } } } }`;
    const used = await gatehouse.admin<{ deprecatedFieldUsage: unknown[] }>(query);
    expect(used.body.errors).toBeUndefined();
    expect(used.body.data!.deprecatedFieldUsage).toEqual([
      {
        coordinate: 'Product.legacyCode',
        deprecationReason: 'Use upc.',
        usage: { requests: 1, consumers: [{ consumer: 'alpha', requests: 1 }], operations: [{ name: 'Legacy' }] },
      },
    ]);

    // 31 days on, the uses are older than the 30-day window: the field can go, and removing price is safe.
    clock = T0 + 31 * DAY;
    const later = await gatehouse.admin<{ deprecatedFieldUsage: Array<{ usage: { requests: number } }> }>(query);
    expect(later.body.data!.deprecatedFieldUsage.map((entry) => entry.usage.requests)).toEqual([0]);
    const answer = await check(gatehouse, NO_PRICE_NO_FEATURED);
    expect(answer).toMatchObject({ breaking: true, breakingInUse: false });
    expect(change(answer, 'Product.price')?.safeBecauseUnused).toBe(true);
    clock = T0;
  });

  it('never calls a change safe where usage is not recorded', async () => {
    await using unrecorded = await startGatehouse({
      env: { GATEHOUSE_USAGE: 'false' },
      backends: [
        { name: 'catalog', url: subgraphs.catalog.url },
        { name: 'stock', url: subgraphs.stock.url },
      ],
    });
    await unrecorded.query(QUERIES.Names);
    const answer = await check(unrecorded, NO_PRICE_NO_FEATURED);
    expect(answer).toMatchObject({ breaking: true, breakingInUse: true, usageSince: null });
    for (const each of answer.changes) expect(each).toMatchObject({ usage: null, safeBecauseUnused: false });
    const status = await unrecorded.admin<{ usageRecorder: { enabled: boolean; written: number; buffered: number } }>('{ usageRecorder { enabled written buffered } }');
    expect(status.body.data!.usageRecorder).toEqual({ enabled: false, written: 0, buffered: 0 });
  });
});
