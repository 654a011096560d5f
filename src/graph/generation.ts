import type { SubschemaConfig } from '@graphql-tools/delegate';
import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';
import { stitchSchemas } from '@graphql-tools/stitch';
import { mergeResolvers } from '@graphql-tools/merge';
import type { IResolvers } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { compositionFailed } from '../errors.js';
import type { BuiltSource } from '../sources/types.js';
import { compileLinks, type CompiledLinks, type DeclaredLink } from './links.js';
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
  /** The composed federation part; empty when only REST and plain GraphQL backends are registered. */
  supergraphSdl: string;
  /** REST and plain GraphQL backends, stitched next to the federation part. */
  sources?: readonly BuiltSource[];
  /** Fields that backends add to other backends' types; checked here, refused with COMPOSITION_FAILED. */
  links?: readonly DeclaredLink[];
  composedAt: Date;
  /** Keyed by subgraph name; subgraphs without an entry use the supergraph URL and defaults. */
  transports?: ReadonlyMap<string, BackendTransport>;
  defaultTimeoutMs: number;
  dispatcher: Dispatcher;
  log: Logger;
}

export function buildGeneration(options: BuildGenerationOptions): Generation {
  const { supergraphSdl, transports, defaultTimeoutMs, dispatcher, log, sources = [], links = [] } = options;
  const extraSubschemas = sources.map((source) => source.subschema);
  const withLinks = (subschemas: readonly SubschemaConfig[]): CompiledLinks => {
    const outcome = compileLinks(links, subschemas);
    if (!outcome.ok) throw compositionFailed(outcome.errors);
    return outcome.compiled;
  };

  if (!supergraphSdl) {
    const { typeDefs, resolvers } = withLinks(extraSubschemas);
    const schema = stitchSchemas({ subschemas: extraSubschemas, typeDefs: typeDefs || undefined, resolvers });
    return { version: options.version, schema, supergraphSdl, composedAt: options.composedAt };
  }

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
    // REST and plain GraphQL sources join the federation subgraphs in one stitching step.
    onStitchingOptions(federationOptions) {
      if (extraSubschemas.length === 0 && links.length === 0) return;
      // The same object goes on to stitchSchemas, which takes typeDefs and resolvers too.
      const stitchingOptions = federationOptions as Parameters<typeof stitchSchemas>[0];
      const subschemas = [...(stitchingOptions.subschemas ?? []), ...extraSubschemas] as SubschemaConfig[];
      const { typeDefs, resolvers } = withLinks(subschemas);
      stitchingOptions.subschemas = subschemas;
      if (typeDefs) stitchingOptions.typeDefs = [...toArray(stitchingOptions.typeDefs), typeDefs];
      const federationResolvers = (stitchingOptions.resolvers ?? []) as IResolvers | IResolvers[];
      stitchingOptions.resolvers = mergeResolvers([...(Array.isArray(federationResolvers) ? federationResolvers : [federationResolvers]), resolvers]);
    },
  });
  return { version: options.version, schema, supergraphSdl, composedAt: options.composedAt };
}

function toArray<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as T[])] : [value as T];
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
