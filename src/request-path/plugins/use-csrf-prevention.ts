import type { Plugin } from 'graphql-yoga';
import { csrfRefused } from '../../errors.js';

export interface CsrfPreventionOptions {
  /**
   * Headers that mark a request as sent by a script (a browser preflights any of them), in lower case.
   * @default ['apollo-require-preflight', 'x-apollo-operation-name', 'x-graphql-yoga-csrf']
   */
  requestHeaders?: readonly string[];
}

// What a browser may send cross-origin without a CORS preflight (Fetch standard, "CORS-safelisted").
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/**
 * CSRF prevention as Apollo Router and Apollo Server do it: a request must
 * carry a content type a browser can't send cross-origin without a preflight
 * (e.g. `application/json`), or one of `requestHeaders`. So a page on another
 * origin can't make a visitor's browser run operations (GET included) with
 * the visitor's cookies or network position; scripts and servers just send
 * JSON or the header. Refused with 400 `BAD_REQUEST` before the body is read.
 */
export function useCsrfPrevention({
  requestHeaders = ['apollo-require-preflight', 'x-apollo-operation-name', 'x-graphql-yoga-csrf'],
}: CsrfPreventionOptions = {}): Plugin {
  const headerList = requestHeaders.join(', ');
  return {
    onRequestParse({ request }) {
      if (isPreflighted(request.headers.get('content-type'))) return;
      if (requestHeaders.some((name) => request.headers.has(name))) return;
      throw csrfRefused(headerList);
    },
  };
}

function isPreflighted(contentType: string | null): boolean {
  if (!contentType) return false;
  // Several values, or one that doesn't parse, could hide a simple type: treat as simple.
  if (contentType.includes(',')) return false;
  const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return essence.includes('/') && !SIMPLE_CONTENT_TYPES.has(essence);
}
