import { GraphQLError, Kind, visit, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isAsyncIterable } from '@graphql-tools/utils';
import { forbidden } from '../../errors.js';
import type { GatehouseContext } from '../context.js';

// graphql-js: `Cannot query field "nmae" on type "Product". Did you mean "name"?`, and the same for
// arguments, types and enum values.
const SUGGESTION = / ?Did you mean [^?]*\?/;
const SUGGESTIONS = new RegExp(SUGGESTION.source, 'g');

const introspecting = new WeakMap<DocumentNode, boolean>();

/** Whether the document asks for `__schema` or `__type` (`__typename` is not introspection). */
function usesIntrospection(document: DocumentNode): boolean {
  let uses = introspecting.get(document);
  if (uses === undefined) {
    uses = false;
    visit(document, {
      [Kind.FIELD](node) {
        if (node.name.value === '__schema' || node.name.value === '__type') {
          uses = true;
          return false;
        }
        return undefined;
      },
    });
    introspecting.set(document, uses);
  }
  return uses;
}

/**
 * A plan without `introspectionAllowed` gets no introspection (403
 * `FORBIDDEN`, before execution) and no hints of the schema in error
 * messages: "Did you mean …?" suggestions are removed, which otherwise let a
 * client rebuild the schema by guessing. The validation cache keeps the full
 * messages; they are rewritten per response.
 */
export function useIntrospectionPolicy(): Plugin<GatehouseContext> {
  const closed = (context: Partial<GatehouseContext>) => context.consumer?.plan.introspectionAllowed === false;
  return {
    onExecute({ args }) {
      if (closed(args.contextValue as GatehouseContext) && usesIntrospection(args.document)) {
        throw forbidden('Introspection is not allowed for your plan.');
      }
    },
    onExecutionResult({ result, setResult, context }) {
      if (!result || !closed(context) || isAsyncIterable(result)) return;
      if (!result.errors?.some((error) => SUGGESTION.test(error.message))) return;
      setResult(withoutSuggestions(result));
    },
  };
}

function withoutSuggestions(result: ExecutionResult): ExecutionResult {
  if (!result.errors) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      if (!SUGGESTION.test(error.message)) return error;
      return new GraphQLError(error.message.replace(SUGGESTIONS, ''), {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: error.originalError,
        extensions: error.extensions,
      });
    }),
  };
}
