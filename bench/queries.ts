export const queryIds = ['cross', 'rest', 'nested'] as const;
export type QueryId = (typeof queryIds)[number];

export interface BenchQuery {
  id: QueryId;
  /** What the query exercises, for the table heading. */
  label: string;
  text: string;
  /** Needs `Product.pricing`, a link to the REST pricing service: only Gatehouse can serve it. */
  needsRestLink: boolean;
  /** Says what is wrong with an answer's `data`, or undefined when it has the expected shape. */
  problemWith(data: unknown): string | undefined;
}

interface ProductShape {
  pricing?: unknown;
}

const topProductsOf = (data: unknown) => (data as { topProducts?: ProductShape[] } | null | undefined)?.topProducts;

/**
 * Crosses all four subgraphs: products (topProducts, name, price), inventory (inStock, and
 * shippingEstimate, which @requires price and weight from products), reviews (reviewCount,
 * reviews, and author.username through @provides) and accounts (author.name). A gateway needs
 * products, then inventory and reviews in parallel, then accounts.
 */
const cross: BenchQuery = {
  id: 'cross',
  label: 'four subgraphs (products → inventory ∥ reviews → accounts)',
  text: '{ topProducts(first: 5) { upc name price shippingEstimate inStock reviewCount reviews { body author { username name } } } }',
  needsRestLink: false,
  problemWith: (data) => (topProductsOf(data)?.length === 5 ? undefined : 'expected five products'),
};

/** Federation subgraphs plus `Product.pricing` from the REST service (one batched `GET /prices?skus=`). */
const rest: BenchQuery = {
  id: 'rest',
  label: 'REST link (products → inventory ∥ pricing over OpenAPI)',
  text: '{ topProducts(first: 5) { upc name inStock pricing { amount currency compareAtAmount discounts { code percent } } } }',
  needsRestLink: true,
  problemWith: (data) => {
    const products = topProductsOf(data);
    if (products?.length !== 5) return 'expected five products';
    return products.every((product) => product.pricing) ? undefined : 'expected pricing on every product';
  },
};

/**
 * Ten levels of fields through the reviews cycle (Product.reviews → Review.author → User.reviews →
 * Review.product → …), with names from products and accounts on the way. Every other level is a
 * list, so the answer grows fast; product 29 has one review and keeps it to ~140 reviews in all.
 */
const nested: BenchQuery = {
  id: 'nested',
  label: '10 levels nested (product → reviews → author → reviews → product → …)',
  text:
    '{ product(upc: "29") { name reviews { author { name reviews { product { name reviews { author { name reviews ' +
    '{ product { name } } } } } } } } } }',
  needsRestLink: false,
  problemWith: (data) => {
    const product = (data as { product?: { reviews?: unknown[] } | null } | null | undefined)?.product;
    return product?.reviews?.length ? undefined : 'expected product 29 with its reviews';
  },
};

export const benchQueries: Readonly<Record<QueryId, BenchQuery>> = { cross, rest, nested };
