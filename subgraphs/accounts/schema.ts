import { parse } from 'graphql';

export const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  type Query {
    "The signed-in user. The example has no authentication, so this is always user u1."
    me: User
    user(id: ID!): User
    users(first: Int = 10): [User!]!
  }

  type User @key(fields: "id") {
    id: ID!
    # Shareable because reviews @provides it on Review.author from its own copy.
    username: String! @shareable
    name: String!
    email: String!
    "ISO 8601 timestamp, UTC."
    createdAt: String!
  }
`);
