import { products, type ProductCategory } from '../products/data.js';

export const currencies = ['EUR', 'USD'] as const;
export type Currency = (typeof currencies)[number];

export interface Discount {
  /** Promotion code, e.g. `SUMMER10`. */
  code: string;
  /** Whole percent off the tier price, 1–100. */
  percent: number;
}

/** `[minQuantity, unitAmountCents]`: from `minQuantity` units up, each unit costs `unitAmountCents`. */
export type PriceTier = readonly [minQuantity: number, unitAmountCents: number];

export interface PriceEntry {
  /** The product's upc: pricing calls it a SKU. */
  sku: string;
  currency: Currency;
  /** List price of one unit, in cents of `currency`. */
  amount: number;
  /** Price before the current reduction, in cents; `null` when the product is not reduced. */
  compareAtAmount: number | null;
  discounts: readonly Discount[];
  /** Volume pricing, ascending by minimum quantity; the first tier is always `[1, amount]`. */
  tiers: readonly PriceTier[];
}

/** Fixed rate used for every conversion, so results are reproducible: 1 EUR = 1.08 USD. */
export const usdPerEur = 1.08;

// US-sourced categories are listed in dollars, the rest in euros: the price list mixes both on
// purpose, so clients cannot assume one currency.
const usdCategories: ReadonlySet<ProductCategory> = new Set(['ELECTRONICS', 'TOYS']);

const discountsBySku: ReadonlyMap<string, readonly Discount[]> = new Map([
  ['1', [{ code: 'TRAIL10', percent: 10 }]],
  ['3', [{ code: 'BUNDLE5', percent: 5 }, { code: 'CABLES15', percent: 15 }]],
  ['4', [{ code: 'KITCHEN10', percent: 10 }]],
  ['10', [{ code: 'KEYS20', percent: 20 }]],
  ['14', [{ code: 'KITCHEN10', percent: 10 }]],
  ['17', [{ code: 'AUDIO15', percent: 15 }, { code: 'STUDENT10', percent: 10 }]],
  ['24', [{ code: 'WINTER25', percent: 25 }]],
]);

/** Products currently reduced: their previous list price, in cents of the entry's currency. */
const compareAtBySku: ReadonlyMap<string, number> = new Map([
  ['6', 3499],
  ['12', 2400],
  ['17', 27900],
  ['29', 4500],
]);

/** Cheap items sell in bulk: below €/$20 they get 10+ and 50+ tiers, below €/$50 a 5+ tier. */
function tiersFor(amount: number): PriceTier[] {
  if (amount < 2000) return [[1, amount], [10, Math.round(amount * 0.9)], [50, Math.round(amount * 0.8)]];
  if (amount < 5000) return [[1, amount], [5, Math.round(amount * 0.95)]];
  return [[1, amount]];
}

/** One entry per product in the catalogue, keyed by upc, in catalogue order. */
export const prices: ReadonlyMap<string, PriceEntry> = new Map(
  products.map((product): [string, PriceEntry] => [
    product.upc,
    {
      sku: product.upc,
      currency: usdCategories.has(product.category) ? 'USD' : 'EUR',
      amount: product.priceCents,
      compareAtAmount: compareAtBySku.get(product.upc) ?? null,
      discounts: discountsBySku.get(product.upc) ?? [],
      tiers: tiersFor(product.priceCents),
    },
  ]),
);

export function convertCents(cents: number, from: Currency, to: Currency): number {
  if (from === to) return cents;
  return Math.round(from === 'EUR' ? cents * usdPerEur : cents / usdPerEur);
}

/** The entry with every amount expressed in `currency` (tier thresholds and percentages unchanged). */
export function priceIn(entry: PriceEntry, currency: Currency): PriceEntry {
  if (entry.currency === currency) return entry;
  const convert = (cents: number) => convertCents(cents, entry.currency, currency);
  return {
    ...entry,
    currency,
    amount: convert(entry.amount),
    compareAtAmount: entry.compareAtAmount === null ? null : convert(entry.compareAtAmount),
    tiers: entry.tiers.map(([minQuantity, cents]): PriceTier => [minQuantity, convert(cents)]),
  };
}
