import { z } from 'zod';
import { currencies, priceIn, type Currency, type Discount, type PriceEntry } from './data.js';

/** Largest quantity one quote may ask for; also `maximum` in the OpenAPI document. */
export const maxQuoteQuantity = 10_000;

/** Body of `POST /quotes`. Unknown fields are rejected, so a typo does not go unnoticed. */
export const quoteRequestSchema = z.strictObject({
  sku: z.string().min(1),
  quantity: z.int().min(1).max(maxQuoteQuantity),
  currency: z.enum(currencies).optional(),
});

export type QuoteRequest = z.infer<typeof quoteRequestSchema>;

export interface Quote {
  sku: string;
  quantity: number;
  currency: Currency;
  /** Price of one unit at this quantity's tier, in cents. */
  unitAmount: number;
  /** `unitAmount × quantity`, in cents. */
  subtotalAmount: number;
  /** The promotion applied (the highest percentage on offer), or `null` if there is none. */
  discount: Discount | null;
  /** `subtotalAmount × discount.percent / 100`, rounded to the cent. */
  discountAmount: number;
  /** `subtotalAmount − discountAmount`, in cents. */
  totalAmount: number;
}

/**
 * Prices `quantity` units of `entry` in `currency`. The unit price is converted before it is
 * multiplied, so every amount in the quote is in whole cents of the same currency and
 * `totalAmount = subtotalAmount − discountAmount` holds exactly.
 */
export function quote(entry: PriceEntry, quantity: number, currency: Currency): Quote {
  const priced = priceIn(entry, currency);
  // Tiers ascend and the first starts at 1, so the last one reached is the one that applies.
  const unitAmount = priced.tiers.reduce((unit, [minQuantity, cents]) => (quantity >= minQuantity ? cents : unit), priced.amount);
  const discount = priced.discounts.reduce<Discount | null>(
    (best, candidate) => (best === null || candidate.percent > best.percent ? candidate : best),
    null,
  );
  const subtotalAmount = unitAmount * quantity;
  const discountAmount = discount === null ? 0 : Math.round((subtotalAmount * discount.percent) / 100);
  return {
    sku: entry.sku,
    quantity,
    currency,
    unitAmount,
    subtotalAmount,
    discount,
    discountAmount,
    totalAmount: subtotalAmount - discountAmount,
  };
}
