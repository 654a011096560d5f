import type { SubschemaConfig } from '@graphql-tools/delegate';

/**
 * A backend turned into something the gateway can stitch: one executable
 * subschema (types already prefixed so two backends cannot collide) and, for
 * sources whose operations links may call directly, those operations.
 */
export interface BuiltSource {
  name: string;
  /** Prefix of type and root field names (root fields become `<prefix>_<name>`). */
  prefix?: string;
  subschema: SubschemaConfig;
  /** By operation id (OpenAPI `operationId`, or the generated one). */
  operations?: ReadonlyMap<string, SourceOperation>;
}

export interface SourceOperation {
  /** The GraphQL root field this operation became (prefixed). */
  fieldName: string;
  rootType: 'Query' | 'Mutation';
  /** Name of the GraphQL type the operation returns (unwrapped: `PricingPrice` for `[PricingPrice]`). */
  returnTypeName: string;
  /** Whether the operation returns a list. */
  returnsList: boolean;
  /** Names of the operation's GraphQL arguments. */
  argumentNames: readonly string[];
  /**
   * Calls the backend with GraphQL-style arguments (as the field would receive them) and
   * resolves with the value the field would return, or rejects with a `BACKEND_*` GraphQLError.
   */
  call(args: Record<string, unknown>): Promise<unknown>;
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
