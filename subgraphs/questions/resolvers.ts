import type { IResolvers } from '@graphql-tools/utils';
import { questionsById, questionsByProduct, reviewsSummariesByUpc, type QuestionRow, type ReviewsSummaryRow } from './data.js';

// Rows have the shape of the schema's types, so only the root fields need resolvers.
export const resolvers: IResolvers = {
  Query: {
    questions: (_: unknown, args: { productUpc: string }): readonly QuestionRow[] => questionsByProduct.get(args.productUpc) ?? [],
    question: (_: unknown, args: { id: string }): QuestionRow | undefined => questionsById.get(args.id),
    reviewsSummary: (_: unknown, args: { upc: string }): ReviewsSummaryRow | undefined => reviewsSummariesByUpc.get(args.upc),
  },
};
