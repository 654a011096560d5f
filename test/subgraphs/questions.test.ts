import {
  buildClientSchema,
  getIntrospectionQuery,
  isEnumType,
  isObjectType,
  isSpecifiedDirective,
  type GraphQLNamedType,
  type IntrospectionQuery,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productsByUpc } from '../../subgraphs/products/data.js';
import { questions, reviewsSummaries } from '../../subgraphs/questions/data.js';
import { start, type RunningQuestionsService } from '../../subgraphs/questions/index.js';
import { reviewsByProduct } from '../../subgraphs/reviews/data.js';

interface GraphQLResponse<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

let service: RunningQuestionsService;

beforeAll(async () => {
  service = await start();
});

afterAll(() => service.close());

async function postGraphQL<TData>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<TData>> {
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<TData>;
}

/** `Type.field(args): Type` lines, so the expected schema reads like SDL without depending on print order. */
function describeType(type: GraphQLNamedType): string[] {
  if (isEnumType(type)) return type.getValues().map((value) => `${type.name}.${value.name}`);
  if (!isObjectType(type)) return [`${type.name}`];
  return Object.values(type.getFields()).map((field) => {
    const args = field.args.length ? `(${field.args.map((arg) => `${arg.name}: ${String(arg.type)}`).join(', ')})` : '';
    return `${type.name}.${field.name}${args}: ${String(field.type)}`;
  });
}

describe('questions service', () => {
  it('answers introspection with the plain schema: no federation fields or types', async () => {
    const { data, errors } = await postGraphQL<IntrospectionQuery>(getIntrospectionQuery());
    expect(errors).toBeUndefined();
    const schema = buildClientSchema(data!);
    const ownTypes = Object.values(schema.getTypeMap())
      .filter((type) => !type.name.startsWith('__') && !['String', 'Int', 'Boolean', 'ID', 'Float'].includes(type.name))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(ownTypes.flatMap(describeType)).toEqual([
      'Answer.id: ID!',
      'Answer.body: String!',
      'Answer.helpfulCount: Int!',
      'Query.questions(productUpc: String!): [Question!]!',
      'Query.question(id: ID!): Question',
      'Query.reviewsSummary(upc: String!): ReviewsSummary',
      'Question.id: ID!',
      'Question.productUpc: String!',
      'Question.body: String!',
      'Question.askedBy: String!',
      'Question.answers: [Answer!]!',
      'ReviewsSummary.upc: String!',
      'ReviewsSummary.headline: String!',
      'ReviewsSummary.sentiment: Sentiment!',
      'Sentiment.POSITIVE',
      'Sentiment.MIXED',
      'Sentiment.NEGATIVE',
    ]);
    expect(schema.getMutationType()).toBeNull();
    expect(schema.getSubscriptionType()).toBeNull();
    // No @key, @link or other federation directive: only the ones every GraphQL schema has.
    expect(schema.getDirectives().filter((directive) => !isSpecifiedDirective(directive))).toEqual([]);
  });

  it('answers questions(productUpc) with every question about the product, in order, answers included', async () => {
    const { data, errors } = await postGraphQL(
      'query ($upc: String!) { questions(productUpc: $upc) { id productUpc body askedBy answers { id body helpfulCount } } }',
      { upc: '4' },
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      questions: [
        {
          id: 'q7',
          productUpc: '4',
          body: 'Can I use it on an induction hob?',
          askedBy: 'quinn',
          answers: [{ id: 'a8', body: 'Yes, cast iron works on induction. Heat it up slowly to avoid warping.', helpfulCount: 17 }],
        },
        {
          id: 'q8',
          productUpc: '4',
          body: 'Is it dishwasher safe?',
          askedBy: 'rosa.m',
          answers: [
            { id: 'a9', body: 'Please do not: the dishwasher strips the seasoning and it will rust.', helpfulCount: 25 },
            { id: 'a10', body: 'Hot water and a brush, then dry it on the stove. That is all it needs.', helpfulCount: 12 },
          ],
        },
      ],
    });
  });

  it('answers an empty list for a product nobody asked about, and for an unknown upc', async () => {
    const { data, errors } = await postGraphQL('{ none: questions(productUpc: "5") { id } unknown: questions(productUpc: "999") { id } }');
    expect(errors).toBeUndefined();
    expect(data).toEqual({ none: [], unknown: [] });
  });

  it('answers question(id), with an empty answers list while unanswered and null for an unknown id', async () => {
    const { data, errors } = await postGraphQL(`{
      answered: question(id: "q5") { id productUpc askedBy answers { id helpfulCount } }
      unanswered: question(id: "q3") { id body answers { id } }
      missing: question(id: "q999") { id }
    }`);
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      answered: { id: 'q5', productUpc: '3', askedBy: 'efe', answers: [{ id: 'a5', helpfulCount: 11 }, { id: 'a6', helpfulCount: 6 }] },
      unanswered: { id: 'q3', body: 'What is the torso length range?', answers: [] },
      missing: null,
    });
  });

  it('answers reviewsSummary(upc), and null for a product without one', async () => {
    const { data, errors } = await postGraphQL(`{
      cable: reviewsSummary(upc: "3") { upc headline sentiment }
      backpack: reviewsSummary(upc: "1") { upc sentiment }
      none: reviewsSummary(upc: "5") { upc }
    }`);
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      cable: { upc: '3', headline: 'Fast charging, but some cables failed within weeks.', sentiment: 'MIXED' },
      backpack: { upc: '1', sentiment: 'POSITIVE' },
      none: null,
    });
  });

  it('rejects a query missing a required argument with GRAPHQL_VALIDATION_FAILED', async () => {
    const response = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ questions { id } }' }),
    });
    expect(response.status).toBe(400);
    const { data, errors } = (await response.json()) as GraphQLResponse<unknown>;
    expect(data).toBeUndefined();
    expect(errors?.map((error) => [error.message, error.extensions?.code])).toEqual([
      ['Field "questions" argument "productUpc" of type "String!" is required, but it was not provided.', 'GRAPHQL_VALIDATION_FAILED'],
    ]);
  });

  it('counts the requests it answers', async () => {
    const before = service.requestCount;
    await postGraphQL('{ question(id: "q1") { id } }');
    await postGraphQL('{ question(id: "q2") { id } }');
    expect(service.requestCount - before).toBe(2);
  });

  it('starts independent instances on their own ports, disposable with await using', async () => {
    let url: string;
    {
      await using second = await start();
      url = second.url;
      expect(second.name).toBe('questions');
      expect(new URL(url).port).not.toBe(new URL(service.url).port);
      expect(second.requestCount).toBe(0);
    }
    await expect(fetch(url, { method: 'POST' })).rejects.toThrow();
  });
});

describe('questions data', () => {
  it('is about real catalogue products, with unique question and answer ids', () => {
    for (const question of questions) expect(productsByUpc.has(question.productUpc), question.id).toBe(true);
    for (const summary of reviewsSummaries) expect(productsByUpc.has(summary.upc), summary.upc).toBe(true);
    expect(new Set(questions.map((question) => question.id)).size).toBe(questions.length);
    const answerIds = questions.flatMap((question) => question.answers.map((answer) => answer.id));
    expect(new Set(answerIds).size).toBe(answerIds.length);
  });

  it('summarises only reviewed products, POSITIVE exactly when the reviews subgraph averages 4 stars or more', () => {
    for (const summary of reviewsSummaries) {
      const ratings = (reviewsByProduct.get(summary.upc) ?? []).map((review) => review.rating);
      expect(ratings.length, summary.upc).toBeGreaterThan(0);
      const average = ratings.reduce((sum, rating) => sum + rating, 0) / ratings.length;
      expect(summary.sentiment, `upc ${summary.upc}, average ${average}`).toBe(average >= 4 ? 'POSITIVE' : 'MIXED');
    }
  });
});
