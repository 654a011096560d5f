import type { SubgraphResolvers } from '../lib/serve.js';
import { authorUsernames, reviewsByAuthor, reviewsById, reviewsByProduct, type ReviewRow } from './data.js';

const noReviews: readonly ReviewRow[] = [];

export const resolvers: SubgraphResolvers = {
  Review: {
    __resolveReference: (reference: { id: string }): ReviewRow | undefined => reviewsById.get(reference.id),
    // The username goes with the id because of @provides(fields: "username").
    author: (review: ReviewRow): { id: string; username: string | undefined } => ({
      id: review.authorId,
      username: authorUsernames.get(review.authorId),
    }),
    product: (review: ReviewRow): { upc: string } => ({ upc: review.productUpc }),
  },
  User: {
    // Any id is a valid reference here: a user this subgraph has never seen has no reviews.
    __resolveReference: (reference: { id: string }): { id: string } => ({ id: reference.id }),
    reviews: (user: { id: string }): readonly ReviewRow[] => reviewsByAuthor.get(user.id) ?? noReviews,
  },
  Product: {
    __resolveReference: (reference: { upc: string }): { upc: string } => ({ upc: reference.upc }),
    reviews: (product: { upc: string }): readonly ReviewRow[] => reviewsByProduct.get(product.upc) ?? noReviews,
    reviewCount: (product: { upc: string }): number => reviewsByProduct.get(product.upc)?.length ?? 0,
    averageRating: (product: { upc: string }): number | null => {
      const productReviews = reviewsByProduct.get(product.upc);
      if (!productReviews) return null;
      return productReviews.reduce((sum, review) => sum + review.rating, 0) / productReviews.length;
    },
  },
};
