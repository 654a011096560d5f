import { parse } from 'graphql';

export const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  type Query {
    """
    The calling consumer's user: Gatehouse names the consumer in \`x-gatehouse-consumer\` and the
    example maps a few names to its users (demo → alice, or a consumer named like a username).
    Null for anonymous callers and consumers it does not know.
    """
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
