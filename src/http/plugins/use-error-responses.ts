import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isAsyncIterable } from '@graphql-tools/utils';
import { ErrorCode } from '../../errors.js';

const GATEHOUSE_CODES = new Set<unknown>(Object.values(ErrorCode));

/** Extensions Yoga may put on an error that describe Gatehouse's insides rather than the request. */
const INTERNAL_EXTENSIONS = ['originalError'] as const;

interface HttpExtension {
  status?: number;
  headers?: Record<string, string>;
  /** Yoga's mark: under `application/json`, the status is 200 whatever `status` says. */
  spec?: boolean;
}

/**
 * The last word on every error before it is sent, whatever raised it:
 *
 * - Internal details go. Yoga's JSON body parser reports a malformed body with
 *   `extensions.originalError: { name: "SyntaxError", message }` (the parser's own words), and in
 *   development mode its masking adds the masked cause; neither is for clients. The cause stays on
 *   the error (`originalError`), for the log. Yoga reads that extension when it picks the status
 *   under `application/json` (a body it could not read is a 400, not a 200), so the error loses
 *   Yoga's `spec` mark instead: still 400 for both media types, as the GraphQL over HTTP spec asks
 *   for a request that is not well-formed.
 * - Gatehouse's own codes keep the status they were raised with. Yoga marks every error raised
 *   while parsing as `spec` (200 under `application/json`), which would make a depth limit 200 but
 *   a cost limit 400; the mark is dropped for them, so `QUERY_TOO_COMPLEX` is 400 whichever media
 *   type the client asked for. Yoga's own codes (`GRAPHQL_PARSE_FAILED`, …) keep the mark.
 */
export function useErrorResponses(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (isAsyncIterable(result)) return;
      if (Array.isArray(result)) {
        if (result.some(needsRewrite)) setResult(result.map(rewritten));
      } else if (needsRewrite(result)) {
        setResult(rewritten(result));
      }
    },
  };
}

function hasInternals(error: GraphQLError): boolean {
  const extensions = error.extensions as Record<string, unknown> | undefined;
  return extensions != null && INTERNAL_EXTENSIONS.some((name) => name in extensions);
}

function isOwnCodeMarkedSpec(error: GraphQLError): boolean {
  return GATEHOUSE_CODES.has(error.extensions?.code) && (error.extensions?.http as HttpExtension | undefined)?.spec === true;
}

const errorNeedsRewrite = (error: GraphQLError) => hasInternals(error) || isOwnCodeMarkedSpec(error);

function needsRewrite(result: ExecutionResult): boolean {
  return result.errors?.some(errorNeedsRewrite) ?? false;
}

function rewritten(result: ExecutionResult): ExecutionResult {
  if (!needsRewrite(result)) return result;
  return { ...result, errors: result.errors!.map((error) => (errorNeedsRewrite(error) ? rewrite(error) : error)) };
}

function rewrite(error: GraphQLError): GraphQLError {
  const extensions: Record<string, unknown> = { ...error.extensions };
  const cause = extensions['originalError'];
  for (const name of INTERNAL_EXTENSIONS) delete extensions[name];
  const http = extensions['http'] as HttpExtension | undefined;
  const unreadable = cause !== undefined && !(cause instanceof GraphQLError);
  if (http?.spec && (unreadable || GATEHOUSE_CODES.has(extensions['code']))) {
    const { spec: _spec, ...rest } = http;
    extensions['http'] = rest;
  }
  // A copy: the original may sit in the parser's error cache, shared with later requests.
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions,
  });
}
