import { graphql, type ExecutionResult } from 'graphql';
import { createLogger } from '../../../src/log.js';
import { createGuardedAgent } from '../../../src/net/guarded-agent.js';
import { buildOpenApiSource, type OpenApiDocument, type OpenApiSourceOptions } from '../../../src/sources/openapi/index.js';
import type { BuiltSource } from '../../../src/sources/types.js';

/** One pool for a test file; loopback backends need `allowPrivate`. */
export const dispatcher = createGuardedAgent({ allowPrivate: true });
export const log = createLogger('silent');

export function buildSource(
  document: OpenApiDocument,
  baseUrl: string,
  overrides: Partial<OpenApiSourceOptions> = {},
): BuiltSource {
  return buildOpenApiSource({
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

export function execute(source: BuiltSource, query: string, variables?: Record<string, unknown>): Promise<ExecutionResult> {
  return graphql({ schema: source.subschema.schema, source: query, variableValues: variables });
}

/** JSON round trip: GraphQL results are null-prototype objects; compare them as the client sees them. */
export function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
