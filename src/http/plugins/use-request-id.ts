import type { Plugin } from 'graphql-yoga';
import type { ServerContext } from '../context.js';

export interface RequestIdOptions {
  /** Response header that echoes the request id. @default 'x-request-id' */
  headerName?: string;
}

/**
 * Echoes the request id (taken from the caller's `x-request-id` when it is
 * well-formed, see `requestIdFrom`) so clients can quote it in a bug report
 * and operators can find the request's log lines.
 */
export function useRequestId({ headerName = 'x-request-id' }: RequestIdOptions = {}): Plugin<ServerContext> {
  return {
    onResponse({ response, serverContext }) {
      const { requestId } = serverContext as Partial<ServerContext>;
      if (requestId) response.headers.set(headerName, requestId);
    },
  };
}
