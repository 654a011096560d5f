// A plain GraphQL schema: no federation directives. The gateway links it to `Product` by `upc`.
export const typeDefs = /* GraphQL */ `
  type Query {
    "Questions asked about a product, oldest first; empty for a product nobody asked about."
    questions(productUpc: String!): [Question!]!
    question(id: ID!): Question
    "What reviewers think of a product, or null if there are too few reviews to summarise."
    reviewsSummary(upc: String!): ReviewsSummary
  }

  type Question {
    id: ID!
    "The catalogue product's upc."
    productUpc: String!
    body: String!
    "Username of the shopper who asked."
    askedBy: String!
    "Most helpful first; empty while unanswered."
    answers: [Answer!]!
  }

  type Answer {
    id: ID!
    body: String!
    "Number of shoppers who marked the answer as helpful."
    helpfulCount: Int!
  }

  enum Sentiment {
    POSITIVE
    MIXED
    NEGATIVE
  }

  type ReviewsSummary {
    upc: String!
    headline: String!
    sentiment: Sentiment!
  }
`;
