import type { ServerResponse } from 'node:http';
import type { GraphQLError } from 'graphql';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

interface HttpExtension {
  status?: number;
  headers?: Record<string, string>;
}

/**
 * Answers outside Yoga (unknown routes) the way Yoga answers: `{ errors }` from the GraphQL
 * errors themselves, HTTP status and headers from `extensions.http`, which is not sent.
 */
export function sendGraphQLError(res: ServerResponse, error: GraphQLError): void {
  const { http, ...extensions } = error.extensions as { http?: HttpExtension } & Record<string, unknown>;
  sendJson(res, http?.status ?? 500, { errors: [{ ...error.toJSON(), extensions }] }, http?.headers);
}
