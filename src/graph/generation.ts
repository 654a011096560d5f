import { createHash } from 'node:crypto';
import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';
import { isInterfaceType, isObjectType, parse, printSchema, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { SubgraphExecutor } from '../sources/types.js';
import { readCacheHints, type CacheHints } from './cache-hints.js';
import { createGatewayEngine } from './engine/engine.js';
import { readSupergraphFacts, type CostDirectiveNames, type EntityKeys } from './supergraph-facts.js';

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
  /** SHA-256 of `supergraphSdl` (hex): with `version`, what response cache keys name the schema by. */
  supergraphHash: string;
  /**
   * `@cacheControl` hints of the subgraphs' SDLs (and of the supergraph, when composition kept the
   * directive), by coordinate. Static supergraphs have no subgraph SDLs: only the supergraph's.
   */
  cacheHints: CacheHints;
  /** Entity keys per type (`@join__type(key:)`): how the response cache names an object. */
  entityKeys: EntityKeys;
  /** Runs a validated operation of `schema`: planned, fetched from the subgraphs, completed. */
  execute(args: ExecutionArgs): Promise<ExecutionResult>;
}

export interface GenerationInput {
  version: number;
  composedAt: Date;
  supergraphSdl: string;
  /** The executor of each subgraph the supergraph names (by name, with the URL it gives). */
  executorFor(subgraph: { name: string; url: string }): SubgraphExecutor;
  /** The subgraphs' SDLs, when the graph was composed here: where `@cacheControl` hints are read. @default [] */
  subgraphTypeDefs?: readonly DocumentNode[];
}

const generationsBySchema = new WeakMap<GraphQLSchema, Generation>();

/** The generation a schema belongs to: a request keeps the one it started on, even after a swap. */
export function generationOf(schema: GraphQLSchema): Generation | undefined {
  return generationsBySchema.get(schema);
}

/** The API schema of a supergraph, the engine serving it, and its derived facts. */
export function buildGeneration({ version, composedAt, supergraphSdl, executorFor, subgraphTypeDefs = [] }: GenerationInput): Generation {
  const supergraph = parse(supergraphSdl, { noLocation: true });
  const facts = readSupergraphFacts(supergraph);
  // The API schema as @graphql-tools derives it from the supergraph: what clients validate and
  // introspect against (its own resolvers never run; the engine executes every operation).
  const schema = getStitchedSchemaFromSupergraphSdl({ supergraphSdl });
  const subgraphs = [...facts.subgraphs.values()];
  const engine = createGatewayEngine({
    supergraphSdl,
    schema,
    executors: new Map(subgraphs.map((subgraph) => [subgraph.name, executorFor(subgraph)])),
  });
  const generation: Generation = {
    version,
    composedAt,
    supergraphSdl,
    schema,
    apiSdl: printSchema(schema),
    backendNames: subgraphs.map((subgraph) => subgraph.name),
    costDirectiveNames: facts.costDirectiveNames,
    coordinates: schemaCoordinates(schema),
    supergraphHash: createHash('sha256').update(supergraphSdl).digest('hex'),
    cacheHints: readCacheHints([...subgraphTypeDefs, supergraph]),
    entityKeys: facts.entityKeys,
    execute: engine.execute,
  };
  generationsBySchema.set(schema, generation);
  return generation;
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
  #version = 0;
  readonly #listeners = new Set<SwapListener>();

  get current(): Generation | undefined {
    return this.#current;
  }

  /**
   * The highest version swapped in, including one that serves nothing (every backend removed):
   * what an instance compares with the store's latest to know whether it is behind. 0 before any.
   */
  get version(): number {
    return this.#version;
  }

  /**
   * Serves `next` unless a newer version is already served: concurrent writers (and instances
   * catching up with the store) may finish out of order, and the highest version is the truth.
   * `version` numbers a swap to nothing (`next` undefined); it defaults to `next.version`.
   */
  swap(next: Generation | undefined, version = next?.version): boolean {
    if (version !== undefined && version <= this.#version) return false;
    if (version !== undefined) this.#version = version;
    this.#current = next;
    for (const listener of this.#listeners) listener(next);
    return true;
  }

  onSwap(listener: SwapListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
