import type { QueryResolvers } from '../../__generated__/resolvers-types.js';
import { withInputErrors } from '../../consumer-access.js';
import { parsePage } from '../../consumer-inputs.js';

export const consumers: NonNullable<QueryResolvers['consumers']> = (_parent, args, { store }) =>
  withInputErrors(store.listConsumers(parsePage(args)), { 'bad-cursor': 'after' });
