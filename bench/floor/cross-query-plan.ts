/**
 * The floor of the `cross` query: the subgraph requests any gateway must make for it, written by
 * hand from the query plan, and the answer assembled from theirs. Products first (the list, and
 * the price and weight inventory's @requires needs), then inventory and reviews in parallel (both
 * only need the upcs and those two fields), then accounts for the authors' names. The author's
 * username comes with the review (reviews @provides it), so accounts is asked for names only.
 */

/** Sends one GraphQL request to a subgraph and resolves with its `data`; throws on anything else. */
export type SubgraphCall = (subgraph: string, query: string, variables?: Record<string, unknown>) => Promise<unknown>;

const PRODUCTS = '{ topProducts(first: 5) { upc name price weight } }';
const INVENTORY =
  'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { inStock shippingEstimate } } }';
const REVIEWS =
  'query($representations: [_Any!]!) { _entities(representations: $representations) ' +
  '{ ... on Product { reviewCount reviews { body author { id username } } } } }';
const ACCOUNTS = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { name } } }';

interface ProductRow {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
interface Stock {
  inStock: boolean;
  shippingEstimate: number;
}
interface ProductReviews {
  reviewCount: number;
  reviews: Array<{ body: string; author: { id: string; username: string } }>;
}

/** Subgraph requests one `cross` query takes (accounts is skipped only if no product has a review). */
export const crossQuerySubgraphRequests = 4;

/** Runs the plan and returns what a gateway answers in `data`, in the query's field order. */
export async function runCrossQueryPlan(call: SubgraphCall): Promise<unknown> {
  const { topProducts } = (await call('products', PRODUCTS)) as { topProducts: ProductRow[] };
  const [stock, reviews] = await Promise.all([
    entities<Stock>(call, 'inventory', INVENTORY, topProducts.map(({ upc, price, weight }) => ({ __typename: 'Product', upc, price, weight }))),
    entities<ProductReviews>(call, 'reviews', REVIEWS, topProducts.map(({ upc }) => ({ __typename: 'Product', upc }))),
  ]);
  // One representation per author, as a planner batches them.
  const authorIds = [...new Set(reviews.flatMap((product) => product.reviews.map((review) => review.author.id)))];
  const names = authorIds.length
    ? await entities<{ name: string }>(call, 'accounts', ACCOUNTS, authorIds.map((id) => ({ __typename: 'User', id })))
    : [];
  const nameOf = new Map(authorIds.map((id, index) => [id, names[index]?.name]));
  return {
    topProducts: topProducts.map(({ upc, name, price }, index) => ({
      upc,
      name,
      price,
      shippingEstimate: stock[index]?.shippingEstimate,
      inStock: stock[index]?.inStock,
      reviewCount: reviews[index]?.reviewCount,
      reviews: reviews[index]?.reviews.map(({ body, author }) => ({ body, author: { username: author.username, name: nameOf.get(author.id) } })),
    })),
  };
}

async function entities<T>(call: SubgraphCall, subgraph: string, query: string, representations: object[]): Promise<T[]> {
  const data = (await call(subgraph, query, { representations })) as { _entities: T[] };
  if (data._entities.length !== representations.length) {
    throw new Error(`${subgraph} answered ${data._entities.length} entities for ${representations.length} representations`);
  }
  return data._entities;
}
