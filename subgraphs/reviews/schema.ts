import { parse } from 'graphql';

export const typeDefs = parse(/* GraphQL */ `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@provides"])

  type Review @key(fields: "id") {
    id: ID!
    body: String!
    "1 to 5 stars."
    rating: Int!
    # This subgraph keeps the author's username, so the gateway needn't ask accounts for it.
    author: User! @provides(fields: "username")
    product: Product!
  }

  type User @key(fields: "id") {
    id: ID!
    # Owned by accounts; resolvable here only below Review.author (see @provides).
    username: String! @external
    "Oldest first."
    reviews: [Review!]!
  }

  type Product @key(fields: "upc") {
    upc: String!
    "Oldest first."
    reviews: [Review!]!
    reviewCount: Int!
    "Mean rating, or null when the product has no reviews."
    averageRating: Float
  }
`);
