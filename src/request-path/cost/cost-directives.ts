import { getDirectiveExtensions, type DirectableObject } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import type { CostDirectiveNames } from '../../graph/supergraph-facts.js';

export { DEFAULT_COST_DIRECTIVE_NAMES, type CostDirectiveNames } from '../../graph/supergraph-facts.js';

/** `@listSize` as applied to one field. */
export interface ListSize {
  assumedSize: number | null;
  slicingArguments: readonly string[];
  sizedFields: readonly string[];
  requireOneSlicingArgument: boolean;
}

/** Anything `@cost` may annotate: fields, arguments, input fields, object types, scalars and enums. */
type Annotated = DirectableObject;

export interface CostAnnotations {
  /** The `@cost(weight:)` of a schema element, undefined when it has none. */
  weightOf(element: Annotated): number | undefined;
  listSizeOf(element: Annotated): ListSize | undefined;
}

interface RawCost {
  weight?: unknown;
}
interface RawListSize {
  assumedSize?: unknown;
  slicingArguments?: unknown;
  sizedFields?: unknown;
  requireOneSlicingArgument?: unknown;
}

/**
 * Reads the annotations of one schema. Each element is read once: the
 * directive extensions are looked up at most once per element for the
 * schema's lifetime (the caller memoises this object per schema).
 */
export function readCostAnnotations(schema: GraphQLSchema, names: CostDirectiveNames): CostAnnotations {
  const weights = new WeakMap<object, number | null>();
  const listSizes = new WeakMap<object, ListSize | null>();
  const directivesOf = (element: Annotated) => getDirectiveExtensions<Record<string, Record<string, unknown>>>(element, schema);

  return {
    weightOf(element) {
      let weight = weights.get(element);
      if (weight === undefined) {
        const raw = directivesOf(element)?.[names.cost]?.[0] as RawCost | undefined;
        weight = typeof raw?.weight === 'number' && Number.isFinite(raw.weight) ? raw.weight : null;
        weights.set(element, weight);
      }
      return weight ?? undefined;
    },
    listSizeOf(element) {
      let listSize = listSizes.get(element);
      if (listSize === undefined) {
        const raw = directivesOf(element)?.[names.listSize]?.[0] as RawListSize | undefined;
        listSize = raw
          ? {
              assumedSize: typeof raw.assumedSize === 'number' ? Math.max(0, raw.assumedSize) : null,
              slicingArguments: stringList(raw.slicingArguments),
              sizedFields: stringList(raw.sizedFields),
              // The spec's default is true.
              requireOneSlicingArgument: raw.requireOneSlicingArgument !== false,
            }
          : null;
        listSizes.set(element, listSize);
      }
      return listSize ?? undefined;
    },
  };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
