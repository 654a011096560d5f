import { graphql, type ExecutionResult } from 'graphql';
import { createLogger } from '../../../src/log.js';
import { createGuardedAgent } from '../../../src/net/guarded-agent.js';
import type { OpenApiDocument } from '../../../src/sources/openapi/document.js';
import { mapOpenApiDocument, type OpenApiMapping, type OpenApiMappingOptions } from '../../../src/sources/openapi/mapping.js';

/** One pool for a test file; loopback backends need `allowPrivate`. */
export const dispatcher = createGuardedAgent({ allowPrivate: true });
export const log = createLogger('silent');

export function buildSource(
  document: OpenApiDocument,
  baseUrl: string,
  overrides: Partial<OpenApiMappingOptions> = {},
): OpenApiMapping {
  return mapOpenApiDocument({
    name: 'pricing',
    baseUrl,
    document,
    prefix: 'pricing',
    headers: {},
    timeoutMs: 5_000,
    dispatcher,
    log,
    ...overrides,
  });
}

export function execute(source: OpenApiMapping, query: string, variables?: Record<string, unknown>): Promise<ExecutionResult> {
  return graphql({ schema: source.schema, source: query, variableValues: variables });
}

/** JSON round trip: GraphQL results are null-prototype objects; compare them as the client sees them. */
export function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
