/** Units in the warehouse, by product upc. Every catalogue product has a row; 0 means sold out. */
export const stockByUpc: ReadonlyMap<string, number> = new Map([
  ['1', 14], ['2', 32], ['3', 240], ['4', 9], ['5', 57], ['6', 88],
  ['7', 120], ['8', 0], ['9', 6], ['10', 21], ['11', 17], ['12', 64],
  ['13', 310], ['14', 12], ['15', 25], ['16', 40], ['17', 3], ['18', 75],
  ['19', 0], ['20', 46], ['21', 150], ['22', 200], ['23', 19], ['24', 0],
  ['25', 90], ['26', 33], ['27', 58], ['28', 0], ['29', 11], ['30', 70],
]);

/** Orders above this price (in cents) ship free. */
export const freeShippingAboveCents = 1000;

/**
 * Shipping cost in cents: free above `freeShippingAboveCents`, otherwise half a cent per gram,
 * rounded up to a whole cent.
 */
export function shippingEstimateCents(priceCents: number, weightGrams: number): number {
  return priceCents > freeShippingAboveCents ? 0 : Math.ceil(weightGrams / 2);
}
