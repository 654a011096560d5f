import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';
import type { GraphQLSchema } from 'graphql';
import type { Dispatcher } from 'undici';
import type { Logger } from '../log.js';
import { createSubgraphExecutor } from '../sources/federation/executor.js';

/**
 * One composed schema as served. Each request takes the generation current
 * when it starts and keeps it to the end, so a swap never changes the schema
 * under a running operation; the old generation is freed once nothing holds it.
 */
export interface Generation {
  version: number;
  schema: GraphQLSchema;
  supergraphSdl: string;
  composedAt: Date;
}

/** Per-backend transport settings the supergraph itself doesn't carry. */
export interface BackendTransport {
  headers: Readonly<Record<string, string>>;
  timeoutMs: number | null;
}

export interface BuildGenerationOptions {
  version: number;
  supergraphSdl: string;
  composedAt: Date;
  /** Keyed by subgraph name; subgraphs without an entry use the supergraph URL and defaults. */
  transports?: ReadonlyMap<string, BackendTransport>;
  defaultTimeoutMs: number;
  dispatcher: Dispatcher;
  log: Logger;
}

export function buildGeneration(options: BuildGenerationOptions): Generation {
  const { supergraphSdl, transports, defaultTimeoutMs, dispatcher, log } = options;
  const subgraphNames = subgraphNamesByGraph(supergraphSdl);
  const schema = getStitchedSchemaFromSupergraphSdl({
    supergraphSdl,
    // Delegations to one subgraph in the same tick go out as one request.
    batch: true,
    onSubschemaConfig(subschemaConfig) {
      const name = subgraphNames.get(subschemaConfig.name) ?? subschemaConfig.name;
      const transport = transports?.get(name);
      subschemaConfig.executor = createSubgraphExecutor(
        {
          name,
          url: subschemaConfig.endpoint ?? '',
          headers: transport?.headers ?? {},
          timeoutMs: transport?.timeoutMs ?? defaultTimeoutMs,
        },
        { dispatcher, log },
      );
    },
  });
  return { version: options.version, schema, supergraphSdl, composedAt: options.composedAt };
}

// `enum join__Graph { PRODUCTS @join__graph(name: "products", url: "…") }`
const JOIN_GRAPH_VALUE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s+@join__graph\(\s*name:\s*"([^"]+)"/gm;

/**
 * The stitching layer names subschemas by their `join__Graph` enum value
 * (`PRODUCTS`); admins, logs and errors use the subgraph's own name.
 */
function subgraphNamesByGraph(supergraphSdl: string): Map<string, string> {
  return new Map([...supergraphSdl.matchAll(JOIN_GRAPH_VALUE)].map((match) => [match[1]!, match[2]!]));
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
