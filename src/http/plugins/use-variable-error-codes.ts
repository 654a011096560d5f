import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isAsyncIterable } from '@graphql-tools/utils';
import { ErrorCode, hasErrorCode } from '../../errors.js';

// graphql-js: `Variable "$input" got invalid value "SOAP" at "input.kind"; Value "SOAP" does not exist…`
const VARIABLE_ERROR = /^Variable "\$([^"]+)"(?:.*? at "([^"]+)")?/;

/**
 * Variables that do not match their declared types are the caller's mistake:
 * graphql-js reports them without a code, so we add `BAD_USER_INPUT` and the
 * `field` (`input.kind`), as for every other bad input.
 */
export function useVariableErrorCodes(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result) || !result.errors?.length || result.data !== undefined) return;
          if (!result.errors.some(isUncodedVariableError)) return;
          setResult({ ...result, errors: result.errors.map((error) => (isUncodedVariableError(error) ? withInputCode(error) : error)) });
        },
      };
    },
  };
}

function isUncodedVariableError(error: GraphQLError): boolean {
  return !hasErrorCode(error) && VARIABLE_ERROR.test(error.message);
}

function withInputCode(error: GraphQLError): GraphQLError {
  const [, variable, path] = VARIABLE_ERROR.exec(error.message)!;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: ErrorCode.BAD_USER_INPUT, field: path ?? variable },
  });
}
