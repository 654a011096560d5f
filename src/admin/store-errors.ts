import { GraphQLError } from 'graphql';
import type { YogaMaskedErrorOpts } from 'graphql-yoga';
import { storeUnavailable } from '../errors.js';
import { maskUnexpectedErrors } from '../http/mask-error.js';
import { StoreUnavailableError } from '../store/store-error.js';

/**
 * The admin API's error masking: a store that cannot be reached is `STORE_UNAVAILABLE` at the
 * field that needed it (the operator can retry); anything else unexpected is masked as usual.
 * Either way Yoga logs the original error, with its cause, since the result is a new error.
 */
export const maskAdminErrors: YogaMaskedErrorOpts['maskError'] = (error, message, isDev) => {
  const cause = error instanceof GraphQLError ? error.originalError : error;
  if (cause instanceof StoreUnavailableError) {
    return storeUnavailable({ path: error instanceof GraphQLError ? error.path : undefined, originalError: cause });
  }
  return maskUnexpectedErrors(error, message, isDev);
};
