import type { BackendColumns } from './backend-base.js';
import { federationBackend, federationFromColumns, federationToColumns, type FederationBackend } from './federation/definition.js';
import { graphqlBackend, graphqlFromColumns, graphqlToColumns, type GraphQLBackend } from './graphql/definition.js';
import { openApiBackend, openApiFromColumns, openApiToColumns, type OpenApiBackend } from './openapi/definition.js';

export type { BackendBase, BackendColumns, KindFields } from './backend-base.js';
export type { FederationBackend, GraphQLBackend, OpenApiBackend };
export type { DescriptionOrigin, LinkDefinition, MergeDefinition } from './fields.js';

/** A registered backend: what an admin described, with its SDL or document as fetched. */
export type Backend = FederationBackend | GraphQLBackend | OpenApiBackend;
export type BackendKind = Backend['kind'];

/** A backend as stored, with the store's timestamps. */
export type BackendRecord = Backend & { createdAt: Date; updatedAt: Date };

export const backendKinds: readonly BackendKind[] = ['FEDERATION_SUBGRAPH', 'GRAPHQL', 'OPENAPI'];

/**
 * Reads a backend out of its stored columns, checked against its kind's schema; undefined when
 * the row is not one this version can describe (written by a newer Gatehouse, or by hand).
 */
export function backendFromColumns(columns: BackendColumns): Backend | undefined {
  switch (columns.kind) {
    case 'FEDERATION_SUBGRAPH':
      return federationBackend.safeParse(federationFromColumns(columns)).data;
    case 'GRAPHQL':
      return graphqlBackend.safeParse(graphqlFromColumns(columns)).data;
    case 'OPENAPI':
      return openApiBackend.safeParse(openApiFromColumns(columns)).data;
    default:
      return undefined;
  }
}

export function backendToColumns(backend: Backend): BackendColumns {
  switch (backend.kind) {
    case 'FEDERATION_SUBGRAPH':
      return federationToColumns(backend);
    case 'GRAPHQL':
      return graphqlToColumns(backend);
    case 'OPENAPI':
      return openApiToColumns(backend);
  }
}

/** How the backend's SDL (or OpenAPI document) was obtained, as the admin API reports it. */
export function descriptionOrigin(backend: Backend): 'INTROSPECTED' | 'INLINE' | 'DOCUMENT_URL' {
  if (backend.kind === 'OPENAPI') return backend.documentUrl === null ? 'INLINE' : 'DOCUMENT_URL';
  return backend.sdlSource;
}

/** Whether two backends describe the same thing (timestamps aside): an update that changes nothing. */
export function isSameBackend(a: Backend, b: Backend): boolean {
  return JSON.stringify(backendToColumns(a)) === JSON.stringify(backendToColumns(b));
}
