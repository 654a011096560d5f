import { takeFirst } from '../lib/first.js';
import type { SubgraphResolvers } from '../lib/serve.js';
import { products, productsByUpc, type ProductRow } from './data.js';

export const resolvers: SubgraphResolvers = {
  Query: {
    topProducts: (_: unknown, args: { first?: number | null }): ProductRow[] => takeFirst(products, args.first, 5),
    product: (_: unknown, args: { upc: string }): ProductRow | undefined => productsByUpc.get(args.upc),
  },
  Product: {
    __resolveReference: (reference: { upc: string }): ProductRow | undefined => productsByUpc.get(reference.upc),
    price: (product: ProductRow): number => product.priceCents,
    weight: (product: ProductRow): number => product.weightGrams,
    createdBy: (product: ProductRow): { id: string } => ({ id: product.createdById }),
  },
};
