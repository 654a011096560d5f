import { GraphQLError } from 'graphql';
import type { SubgraphResolvers } from '../lib/serve.js';
import { shippingEstimateCents, stockByUpc } from './data.js';

/** A representation from the gateway; `price` and `weight` are only there when @requires asked for them. */
interface ProductReference {
  upc: string;
  price?: number | null;
  weight?: number | null;
}

interface InventoryProduct extends ProductReference {
  stock: number;
}

export const resolvers: SubgraphResolvers = {
  Product: {
    // Keep the representation's fields: shippingEstimate reads the @requires'd price and weight from it.
    __resolveReference: (reference: ProductReference): InventoryProduct | null => {
      const stock = stockByUpc.get(reference.upc);
      return stock === undefined ? null : { ...reference, stock };
    },
    inStock: (product: InventoryProduct): boolean => product.stock > 0,
    shippingEstimate: (product: InventoryProduct): number => {
      // Federation spec: the gateway must include @requires fields in the representation. Missing
      // ones mean a broken query plan, which deserves an error rather than a made-up estimate.
      if (product.price == null || product.weight == null) {
        throw new GraphQLError(
          `Product.shippingEstimate needs price and weight in the representation of product "${product.upc}".`,
          { extensions: { code: 'MISSING_REQUIRED_FIELDS' } },
        );
      }
      return shippingEstimateCents(product.price, product.weight);
    },
  },
};
