export type ProductCategory = 'BOOKS' | 'ELECTRONICS' | 'HOME' | 'KITCHEN' | 'OUTDOORS' | 'TOYS';

export interface ProductRow {
  upc: string;
  name: string;
  priceCents: number;
  weightGrams: number;
  category: ProductCategory;
  /** Id of the accounts `User` who listed the product. */
  createdById: string;
}

/** Catalogue order is "top" order: `topProducts(first: n)` returns the first n rows. */
export const products: readonly ProductRow[] = [
  { upc: '1', name: 'Trail Runner Backpack 22L', priceCents: 8900, weightGrams: 850, category: 'OUTDOORS', createdById: 'u4' },
  { upc: '2', name: 'Espresso Tamper 58mm', priceCents: 2400, weightGrams: 410, category: 'KITCHEN', createdById: 'u2' },
  { upc: '3', name: 'USB-C Cable 2m', priceCents: 999, weightGrams: 60, category: 'ELECTRONICS', createdById: 'u3' },
  { upc: '4', name: 'Cast Iron Skillet 26cm', priceCents: 4500, weightGrams: 2300, category: 'KITCHEN', createdById: 'u2' },
  { upc: '5', name: 'The Long Way Home (paperback)', priceCents: 1000, weightGrams: 320, category: 'BOOKS', createdById: 'u10' },
  { upc: '6', name: 'Wireless Mouse', priceCents: 2999, weightGrams: 95, category: 'ELECTRONICS', createdById: 'u3' },
  { upc: '7', name: 'Ceramic Mug 350ml', priceCents: 850, weightGrams: 390, category: 'KITCHEN', createdById: 'u2' },
  { upc: '8', name: 'Headlamp 300lm', priceCents: 3200, weightGrams: 120, category: 'OUTDOORS', createdById: 'u4' },
  { upc: '9', name: 'Wooden Puzzle Box', priceCents: 1800, weightGrams: 540, category: 'TOYS', createdById: 'u7' },
  { upc: '10', name: 'Mechanical Keyboard', priceCents: 11900, weightGrams: 980, category: 'ELECTRONICS', createdById: 'u3' },
  { upc: '11', name: 'Linen Throw Pillow', priceCents: 2600, weightGrams: 700, category: 'HOME', createdById: 'u6' },
  { upc: '12', name: 'Stainless Water Bottle 750ml', priceCents: 1900, weightGrams: 340, category: 'OUTDOORS', createdById: 'u4' },
  { upc: '13', name: 'Pocket Notebooks (3-pack)', priceCents: 750, weightGrams: 150, category: 'BOOKS', createdById: 'u10' },
  { upc: '14', name: "Chef's Knife 20cm", priceCents: 7900, weightGrams: 230, category: 'KITCHEN', createdById: 'u2' },
  { upc: '15', name: 'Building Blocks Starter Set', priceCents: 3400, weightGrams: 1200, category: 'TOYS', createdById: 'u7' },
  { upc: '16', name: 'Terracotta Desk Planter', priceCents: 1200, weightGrams: 900, category: 'HOME', createdById: 'u6' },
  { upc: '17', name: 'Noise-Cancelling Headphones', priceCents: 24900, weightGrams: 260, category: 'ELECTRONICS', createdById: 'u3' },
  { upc: '18', name: 'Enamel Camping Mug', priceCents: 650, weightGrams: 210, category: 'OUTDOORS', createdById: 'u4' },
  { upc: '19', name: 'Field Guide to Birds (hardcover)', priceCents: 3500, weightGrams: 1100, category: 'BOOKS', createdById: 'u10' },
  { upc: '20', name: 'Cedar Scented Candle', priceCents: 1500, weightGrams: 450, category: 'HOME', createdById: 'u6' },
  { upc: '21', name: 'Aluminium Phone Stand', priceCents: 499, weightGrams: 85, category: 'ELECTRONICS', createdById: 'u3' },
  { upc: '22', name: 'Wooden Yo-Yo', priceCents: 399, weightGrams: 55, category: 'TOYS', createdById: 'u7' },
  { upc: '23', name: 'Bamboo Cutting Board', priceCents: 2200, weightGrams: 1400, category: 'KITCHEN', createdById: 'u2' },
  { upc: '24', name: 'Merino Wool Blanket', priceCents: 8900, weightGrams: 1900, category: 'HOME', createdById: 'u6' },
  { upc: '25', name: 'Tent Stakes (10-pack)', priceCents: 1100, weightGrams: 380, category: 'OUTDOORS', createdById: 'u4' },
  { upc: '26', name: 'Weeknight Dinners (cookbook)', priceCents: 2800, weightGrams: 950, category: 'BOOKS', createdById: 'u10' },
  { upc: '27', name: 'Smart Plug', priceCents: 1499, weightGrams: 130, category: 'ELECTRONICS', createdById: 'u3' },
  { upc: '28', name: 'Delta Kite', priceCents: 2100, weightGrams: 330, category: 'TOYS', createdById: 'u7' },
  { upc: '29', name: 'Silent Wall Clock', priceCents: 3900, weightGrams: 1050, category: 'HOME', createdById: 'u6' },
  { upc: '30', name: 'Loose-Leaf Tea Sampler', priceCents: 899, weightGrams: 275, category: 'KITCHEN', createdById: 'u2' },
];

export const productsByUpc: ReadonlyMap<string, ProductRow> = new Map(products.map((product) => [product.upc, product]));
