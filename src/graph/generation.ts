import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';
import type { Executor } from '@graphql-tools/utils';
import { isInterfaceType, isObjectType, printSchema, type GraphQLSchema } from 'graphql';
import { readSupergraphFacts, type CostDirectiveNames } from './supergraph-facts.js';

/**
 * One composed schema as served, with what Gatehouse derives from it computed once, here. Each
 * request takes the generation current when it starts and keeps it to the end, so a swap never
 * changes the schema under a running operation; the old generation is freed once nothing holds it.
 */
export interface Generation {
  version: number;
  composedAt: Date;
  supergraphSdl: string;
  /** The executable API schema clients see. */
  schema: GraphQLSchema;
  /** `schema`, printed. */
  apiSdl: string;
  /** The subgraphs (backends) composed into it, as the supergraph names them. */
  backendNames: readonly string[];
  /** What `@cost` and `@listSize` are called in it. */
  costDirectiveNames: CostDirectiveNames;
  /** Every `Type.field` of the API schema (object and interface fields). */
  coordinates: ReadonlySet<string>;
}

export interface GenerationInput {
  version: number;
  composedAt: Date;
  supergraphSdl: string;
  /** The executor of each subgraph the supergraph names (by name, with the URL it gives). */
  executorFor(subgraph: { name: string; url: string }): Executor;
}

/** The executable gateway schema of a supergraph, and its derived facts. */
export function buildGeneration({ version, composedAt, supergraphSdl, executorFor }: GenerationInput): Generation {
  const facts = readSupergraphFacts(supergraphSdl);
  const schema = getStitchedSchemaFromSupergraphSdl({
    supergraphSdl,
    // Delegations to one subgraph in the same tick go out as one request.
    batch: true,
    onSubschemaConfig(subschemaConfig) {
      // The stitching layer names subschemas by their `join__Graph` value (`PRODUCTS`).
      const subgraph = facts.subgraphs.get(subschemaConfig.name) ?? { name: subschemaConfig.name, url: subschemaConfig.endpoint ?? '' };
      subschemaConfig.executor = executorFor(subgraph);
    },
  });
  return {
    version,
    composedAt,
    supergraphSdl,
    schema,
    apiSdl: printSchema(schema),
    backendNames: [...facts.subgraphs.values()].map((subgraph) => subgraph.name),
    costDirectiveNames: facts.costDirectiveNames,
    coordinates: schemaCoordinates(schema),
  };
}

function schemaCoordinates(schema: GraphQLSchema): Set<string> {
  const coordinates = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.keys(type.getFields())) coordinates.add(`${type.name}.${field}`);
  }
  return coordinates;
}

type SwapListener = (generation: Generation | undefined) => void;

/** Holds the generation being served and swaps it atomically. */
export class ServedGraph {
  #current: Generation | undefined;
  readonly #listeners = new Set<SwapListener>();

  get current(): Generation | undefined {
    return this.#current;
  }

  /**
   * Serves `next` unless a newer version is already served: concurrent writers
   * may finish out of order, and the highest version is the truth.
   */
  swap(next: Generation | undefined): boolean {
    if (next && this.#current && next.version <= this.#current.version) return false;
    this.#current = next;
    for (const listener of this.#listeners) listener(next);
    return true;
  }

  onSwap(listener: SwapListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
