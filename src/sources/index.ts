import type { Dispatcher } from 'undici';
import type { Logger } from '../log.js';
import type { BackendInput } from '../store/types.js';
import { buildGraphQLSource } from './graphql/index.js';
import { parseOpenApiDocument } from './openapi/document.js';
import { mapOpenApiDocument } from './openapi/mapping.js';
import { SourceDefinitionError, type BuiltSource } from './types.js';

export interface BuildSourceOptions {
  dispatcher: Dispatcher;
  log: Logger;
  defaultTimeoutMs: number;
}

/** A REST or plain GraphQL backend as a stitchable source (federation subgraphs are composed instead). */
export function buildSource(backend: BackendInput, { dispatcher, log, defaultTimeoutMs }: BuildSourceOptions): BuiltSource {
  const common = {
    name: backend.name,
    headers: backend.headers,
    timeoutMs: backend.timeoutMs ?? defaultTimeoutMs,
    dispatcher,
    log: log.child({ backend: backend.name }),
  };
  switch (backend.kind) {
    case 'GRAPHQL':
      return buildGraphQLSource({ ...common, url: backend.url, sdl: backend.sdl, prefix: backend.options.prefix, merge: backend.options.merge });
    case 'OPENAPI':
      if (!backend.openapiDocument) throw new SourceDefinitionError(`Backend "${backend.name}" has no OpenAPI document.`);
    {
      const mapping = mapOpenApiDocument({
        ...common,
        baseUrl: backend.url,
        document: parseOpenApiDocument(backend.openapiDocument),
        prefix: backend.options.prefix ?? defaultPrefix(backend.name),
        exposeErrors: backend.options.exposeErrors ?? false,
      });
      return { name: backend.name, subschema: { schema: mapping.schema, batch: false }, operations: mapping.operations };
    }
    case 'FEDERATION_SUBGRAPH':
      throw new SourceDefinitionError(`Backend "${backend.name}" is a federation subgraph: it is composed, not stitched.`);
  }
}

/** A backend name as a GraphQL name prefix: `rest-pricing` → `restPricing`. */
export function defaultPrefix(backendName: string): string {
  return backendName.replace(/[-_]+([a-z0-9])/g, (_match, next: string) => next.toUpperCase());
}

/** Whether an `openapi` value is the URL of the document rather than the document itself. */
export function isDocumentUrl(value: string): boolean {
  return /^https?:\/\//i.test(value.trim());
}
