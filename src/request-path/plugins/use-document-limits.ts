import { GraphQLError, Lexer, parse, Source, TokenKind, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { queryTooComplex } from '../../errors.js';
import type { GatehouseContext } from '../context.js';
import { measureDocument, type DocumentMeasures } from '../document-limits/measure-document.js';

export interface DocumentLimitsOptions {
  /**
   * Bytes of one document's text (UTF-8), checked before it is parsed or looked up in the parse
   * cache: a document of comments costs nothing to execute but memory to parse and cache.
   * @default 262144
   */
  maxDocumentBytes?: number;
  /** Lexical tokens in one document (Apollo Router's parser default). @default 15000 */
  maxTokens?: number;
  /** Deepest field nesting, introspection selections counted as one level; a plan's `maxDepth` can only lower it. @default 32 */
  maxDepth?: number;
  /**
   * Deepest nesting of a `__schema`/`__type` selection. GraphiQL's and graphql-js's introspection
   * query is 15 deep; this leaves room for tools asking a few more `ofType`s. The plan's
   * `maxDepth` does not apply to it, and `introspectionAllowed` decides whether it runs at all.
   * @default 20
   */
  maxIntrospectionDepth?: number;
  /** Aliased fields in one operation, fragments expanded. @default 30 */
  maxAliases?: number;
  /** Directive applications in one operation, fragments expanded. @default 50 */
  maxDirectives?: number;
  /** Fields in one selection set, those brought in by fragments included. @default 200 */
  maxFieldsPerSelection?: number;
}

/**
 * Limits on the document itself, all `QUERY_TOO_COMPLEX` (400) with `limit`
 * and `max`. The size of the text is checked before anything else looks at it
 * (the parse cache included); the token limit stops the parser itself; the shape limits are
 * checked right after parsing, before validation, so a bomb costs one linear
 * walk (memoised per document) and a refused text is remembered by the parser's
 * error cache. Only the plan's `maxDepth` needs the consumer, so it is checked
 * again before execution.
 */
export function useDocumentLimits({
  maxDocumentBytes = 262_144,
  maxTokens = 15_000,
  maxDepth = 32,
  maxIntrospectionDepth = 20,
  maxAliases = 30,
  maxDirectives = 50,
  maxFieldsPerSelection = 200,
}: DocumentLimitsOptions = {}): Plugin<GatehouseContext> {
  const limits: Array<[keyof DocumentMeasures, number]> = [
    ['depth', maxDepth],
    ['introspectionDepth', maxIntrospectionDepth],
    ['aliases', maxAliases],
    ['directives', maxDirectives],
    ['fieldsPerSelection', maxFieldsPerSelection],
  ];

  function parseWithinTokens(source: string | Source, options?: Parameters<typeof parse>[1]): DocumentNode {
    try {
      return parse(source, { ...options, maxTokens });
    } catch (error) {
      if (!(error instanceof GraphQLError) && !(error instanceof RangeError)) throw error;
      const { tokens, nesting } = scan(source);
      // graphql-js stops at maxTokens + 1 with a syntax error; report it as the limit it is.
      if (tokens > maxTokens) throw queryTooComplex('tokens', tokens, maxTokens);
      // The parser recurses: a few thousand levels of nesting overflow the stack long before the
      // depth check could run on a document, so that, too, is the depth limit.
      if (error instanceof RangeError && nesting > maxDepth) throw queryTooComplex('depth', nesting, maxDepth);
      throw error;
    }
  }

  return {
    onParams({ params }) {
      const { query } = params;
      // UTF-8 takes at most 3 bytes per UTF-16 unit: short texts need no counting.
      if (!query || query.length * 3 <= maxDocumentBytes) return;
      const bytes = Buffer.byteLength(query);
      if (bytes > maxDocumentBytes) throw queryTooComplex('documentBytes', bytes, maxDocumentBytes);
    },
    onParse({ setParseFn }) {
      setParseFn(parseWithinTokens);
      return ({ result, replaceParseResult }) => {
        if (!result || result instanceof Error) return;
        const measures = measureDocument(result as DocumentNode);
        for (const [name, max] of limits) {
          if (measures[name] > max) return replaceParseResult(queryTooComplex(name, measures[name], max));
        }
      };
    },
    onExecute({ args }) {
      const planMax = (args.contextValue as GatehouseContext).consumer?.plan.maxDepth;
      if (planMax == null) return;
      const { depth } = measureDocument(args.document);
      if (depth > planMax) throw queryTooComplex('depth', depth, planMax);
    },
  };
}

/**
 * Tokens of a document the parser refused (up to a syntax error) and its deepest bracket nesting,
 * so the error can say how far over the limit it was.
 */
function scan(source: string | Source): { tokens: number; nesting: number } {
  const lexer = new Lexer(typeof source === 'string' ? new Source(source) : source);
  let tokens = 0;
  let depth = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      tokens++;
      if (token.kind === TokenKind.BRACE_L || token.kind === TokenKind.BRACKET_L || token.kind === TokenKind.PAREN_L) {
        nesting = Math.max(nesting, ++depth);
      } else if (token.kind === TokenKind.BRACE_R || token.kind === TokenKind.BRACKET_R || token.kind === TokenKind.PAREN_R) {
        depth--;
      }
    }
  } catch {
    // A syntax error ends the scan: what came before it is what the parser saw.
  }
  return { tokens, nesting };
}
