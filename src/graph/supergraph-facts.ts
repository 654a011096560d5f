import { Kind, parse, type ConstDirectiveNode, type ConstValueNode, type DocumentNode } from 'graphql';

/**
 * What Gatehouse reads off a supergraph SDL, once per generation: the subgraphs it names and what
 * the cost directives are called. Nothing else reads the supergraph text.
 */
export interface SupergraphFacts {
  /** By the `join__Graph` enum value the stitching layer names subschemas with (`PRODUCTS`). */
  subgraphs: ReadonlyMap<string, { name: string; url: string }>;
  costDirectiveNames: CostDirectiveNames;
}

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

export function readSupergraphFacts(supergraph: string | DocumentNode): SupergraphFacts {
  const document = typeof supergraph === 'string' ? parse(supergraph, { noLocation: true }) : supergraph;
  return { subgraphs: joinGraphs(document), costDirectiveNames: costDirectiveNames(document) };
}

/** `enum join__Graph { PRODUCTS @join__graph(name: "products", url: "…") }` */
function joinGraphs(document: DocumentNode): Map<string, { name: string; url: string }> {
  const graphs = new Map<string, { name: string; url: string }>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const directive = value.directives?.find((candidate) => candidate.name.value === 'join__graph');
      const name = directive && argument(directive, 'name');
      const url = directive && argument(directive, 'url');
      graphs.set(value.name.value, {
        name: name?.kind === Kind.STRING ? name.value : value.name.value.toLowerCase(),
        url: url?.kind === Kind.STRING ? url.value : '',
      });
    }
  }
  return graphs;
}

const COST_SPEC_URL = /^https:\/\/specs\.apollo\.dev\/cost\/v0\.\d+$/;

/**
 * Reads the names from the supergraph's `@link` to the cost spec. The stitched
 * schema keeps the directive applications but not the schema's `@link`s. Link spec rules: a
 * directive named like the spec (`@cost`) is referenced by the prefix itself, any other
 * (`@listSize`) as `@<prefix>__listSize` unless imported.
 */
function costDirectiveNames(document: DocumentNode): CostDirectiveNames {
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
