import type { Plugin } from 'graphql-yoga';
import { jsonPostRequired } from '../errors.js';

/**
 * The admin API takes `application/json` POSTs and nothing else (GraphiQL's page, a GET, is served
 * before this runs). No form, multipart or `text/plain` body, which a page on another site can
 * make a browser send without a CORS preflight, and no operations in a GET's query string, which
 * end up in proxy and server logs. Refused before the token is checked or the body read.
 */
export function useJsonRequests(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== 'POST' || !isJson(request.headers.get('content-type'))) throw jsonPostRequired(request.method);
    },
  };
}

function isJson(contentType: string | null): boolean {
  // `application/json; charset=utf-8` is JSON; a list of types (`a, b`) is not one type.
  return contentType?.split(';', 1)[0]!.trim().toLowerCase() === 'application/json' && !contentType.includes(',');
}
