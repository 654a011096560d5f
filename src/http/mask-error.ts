import { maskError as yogaMaskError, type YogaMaskedErrorOpts } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors.js';

const GATEHOUSE_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * Yoga masks any error with a non-GraphQL cause. Ours are deliberate and
 * carry their cause only for the log, so they pass; everything else still
 * becomes "Unexpected error." with `INTERNAL_SERVER_ERROR`.
 */
export const maskUnexpectedErrors: YogaMaskedErrorOpts['maskError'] = (error, message, isDev) => {
  if (error instanceof GraphQLError && GATEHOUSE_CODES.has(error.extensions.code as string)) return error;
  return yogaMaskError(error, message, isDev);
};
