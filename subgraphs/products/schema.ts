import { parse } from 'graphql';

export const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query {
    topProducts(first: Int = 5): [Product!]!
    product(upc: String!): Product
  }

  enum ProductCategory {
    BOOKS
    ELECTRONICS
    HOME
    KITCHEN
    OUTDOORS
    TOYS
  }

  type Product @key(fields: "upc") {
    upc: String!
    name: String!
    "Price in cents."
    price: Int!
    "Shipping weight in grams."
    weight: Int!
    category: ProductCategory!
    "The user who listed the product; resolved by accounts."
    createdBy: User!
  }

  # A reference to the accounts entity: this subgraph only knows the key.
  type User @key(fields: "id", resolvable: false) {
    id: ID!
  }
`);
