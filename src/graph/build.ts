import type { CompositionErrorDetail } from '../errors.js';
import type { BuildOutcome, PreparedSource, Subgraph } from '../sources/types.js';
import { composeSubgraphs } from './compose.js';
import { buildGeneration, type Generation } from './generation.js';
import { SourcesView } from './graph-view.js';

export interface BuildOptions {
  version: number;
  composedAt: Date;
  /** The backend being written: composition errors naming several backends are attributed to it. */
  changed?: string;
}

/**
 * Prepared backends → the generation serving them, or every reason it can't be built: each
 * backend becomes a subgraph (its links checked against the others), then one composition checks
 * the whole graph. Nothing here throws for a user's mistake.
 */
export function buildGraph(prepared: readonly PreparedSource[], { version, composedAt, changed }: BuildOptions): BuildOutcome<Generation> {
  const view = new SourcesView(prepared);
  const subgraphs: Subgraph[] = [];
  const errors: CompositionErrorDetail[] = [];
  for (const source of prepared) {
    const loaded = source.load(view);
    if (loaded.ok) subgraphs.push(loaded.value);
    else errors.push(...loaded.errors);
  }
  if (errors.length) return { ok: false, errors };
  const composed = composeSubgraphs(subgraphs, changed);
  if (!composed.ok) return composed;
  const executors = new Map(subgraphs.map((subgraph) => [subgraph.name, subgraph.executor]));
  return {
    ok: true,
    value: buildGeneration({
      version,
      composedAt,
      supergraphSdl: composed.value.supergraphSdl,
      subgraphTypeDefs: subgraphs.map((subgraph) => subgraph.typeDefs),
      executorFor: ({ name }) => {
        const executor = executors.get(name);
        if (!executor) throw new Error(`The supergraph names a subgraph "${name}" that was not built.`);
        return executor;
      },
    }),
  };
}
