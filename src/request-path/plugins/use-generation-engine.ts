import type { Plugin } from 'graphql-yoga';
import { generationOf } from '../../graph/generation.js';

/**
 * Executes operations with the engine of the generation whose schema they were validated
 * against (query planner + plan executor) instead of graphql-js resolvers. Set in onExecute, so
 * the other plugins' onExecute hooks (field authorization rewriting the document, cost) have run:
 * the engine gets the arguments as they left.
 */
export function useGenerationEngine(): Plugin {
  return {
    onExecute({ args, setExecuteFn }) {
      const generation = generationOf(args.schema);
      if (generation) setExecuteFn(generation.execute);
    },
  };
}
