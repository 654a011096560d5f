import { parse } from 'graphql';

export const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])

  type Product @key(fields: "upc") {
    upc: String!
    # Owned by products; they reach this subgraph only inside a representation (see @requires).
    price: Int! @external
    weight: Int! @external
    inStock: Boolean!
    "Units in the warehouse."
    stock: Int!
    "Shipping cost in cents: free above 1000 cents, otherwise half a cent per gram, rounded up."
    shippingEstimate: Int! @requires(fields: "price weight")
  }
`);
