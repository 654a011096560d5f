import type { SubschemaConfig } from '@graphql-tools/delegate';
import type { RestOperation } from './openapi/mapping.js';

/** Interim: a backend as a stitchable subschema (replaced by the Source seam, issue 12). */
export interface BuiltSource {
  name: string;
  prefix?: string;
  subschema: SubschemaConfig;
  operations?: ReadonlyMap<string, RestOperation>;
}

/** Thrown when a backend's description (OpenAPI document, SDL) cannot be turned into a source. */
export class SourceDefinitionError extends Error {
  override name = 'SourceDefinitionError';
  constructor(
    message: string,
    /** Where in the description, e.g. `paths./prices/{sku}.get.responses.200`. */
    readonly location?: string,
  ) {
    super(message);
  }
}
