import { getDirectiveExtensions, type DirectableObject } from '@graphql-tools/utils';
import { Kind, parse, type ConstDirectiveNode, type ConstValueNode, type GraphQLSchema } from 'graphql';

/**
 * What `@cost` and `@listSize` are called in a schema. Subgraphs import them
 * with `@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@cost", "@listSize"])`,
 * possibly renamed (`{ name: "@cost", as: "@weight" }`); composition keeps the
 * subgraphs' names and records them in the supergraph's
 * `@link(url: "https://specs.apollo.dev/cost/v0.1", import: [...])`.
 */
export interface CostDirectiveNames {
  cost: string;
  listSize: string;
}

export const DEFAULT_COST_DIRECTIVE_NAMES: CostDirectiveNames = Object.freeze({ cost: 'cost', listSize: 'listSize' });

const COST_SPEC_URL = /^https:\/\/specs\.apollo\.dev\/cost\/v0\.\d+$/;

/**
 * Reads the names from the supergraph's `@link` to the cost spec. The stitched
 * schema keeps the directive applications but not the schema's `@link`s, so
 * this looks at the SDL (once per generation). Link spec rules: a directive
 * named like the spec (`@cost`) is referenced by the prefix itself, any other
 * (`@listSize`) as `@<prefix>__listSize` unless imported.
 */
export function costDirectiveNamesFromSupergraph(supergraphSdl: string): CostDirectiveNames {
  // A graph of only REST and plain GraphQL backends has no supergraph.
  if (supergraphSdl.trim() === '') return DEFAULT_COST_DIRECTIVE_NAMES;
  const document = parse(supergraphSdl, { noLocation: true });
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const url = argument(directive, 'url');
      if (url?.kind !== Kind.STRING || !COST_SPEC_URL.test(url.value)) continue;
      const as = argument(directive, 'as');
      const prefix = as?.kind === Kind.STRING ? as.value.replace(/^@/, '') : 'cost';
      const names: CostDirectiveNames = { cost: prefix, listSize: `${prefix}__listSize` };
      const imports = argument(directive, 'import');
      for (const item of imports?.kind === Kind.LIST ? imports.values : []) {
        const [name, alias] = importedName(item);
        if (alias === undefined) continue;
        if (name === '@cost') names.cost = alias;
        if (name === '@listSize') names.listSize = alias;
      }
      return names;
    }
  }
  return DEFAULT_COST_DIRECTIVE_NAMES;
}

function argument(directive: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return directive.arguments?.find((arg) => arg.name.value === name)?.value;
}

/** `"@listSize"` or `{ name: "@cost", as: "@weight" }` → [spec name, local name without `@`]. */
function importedName(item: ConstValueNode): [string, string] | [] {
  if (item.kind === Kind.STRING) return [item.value, item.value.replace(/^@/, '')];
  if (item.kind !== Kind.OBJECT) return [];
  const field = (key: string) => {
    const value = item.fields.find((f) => f.name.value === key)?.value;
    return value?.kind === Kind.STRING ? value.value : undefined;
  };
  const name = field('name');
  return name ? [name, (field('as') ?? name).replace(/^@/, '')] : [];
}

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
