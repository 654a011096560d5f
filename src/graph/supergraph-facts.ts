import { Kind, parse, print, type ConstDirectiveNode, type ConstValueNode, type DocumentNode, type SelectionSetNode } from 'graphql';

/**
 * What Gatehouse reads off a supergraph SDL, once per generation: the subgraphs it names, what
 * the cost directives are called and the entities' keys. Nothing else reads the supergraph text.
 */
export interface SupergraphFacts {
  /** By the `join__Graph` enum value the stitching layer names subschemas with (`PRODUCTS`). */
  subgraphs: ReadonlyMap<string, { name: string; url: string }>;
  costDirectiveNames: CostDirectiveNames;
  /** The keys of each entity type, from `@join__type(key:)`: what identifies one object of it. */
  entityKeys: EntityKeys;
}

/** One `@key` of an entity type, e.g. `upc` or `id organization { id }`. */
export interface EntityKey {
  /** The key's fields as a selection set. */
  selections: SelectionSetNode;
}

/** Keys by type name, each distinct key once (subgraphs declaring the same key share it). */
export type EntityKeys = ReadonlyMap<string, readonly EntityKey[]>;

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
  return { subgraphs: joinGraphs(document), costDirectiveNames: costDirectiveNames(document), entityKeys: entityKeysOf(document) };
}

/** `type Product @join__type(graph: PRODUCTS, key: "upc") @join__type(graph: REVIEWS, key: "upc")` */
function entityKeysOf(document: DocumentNode): Map<string, EntityKey[]> {
  const keys = new Map<string, EntityKey[]>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const seen = new Set<string>();
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'join__type') continue;
      const key = argument(directive, 'key');
      if (key?.kind !== Kind.STRING || key.value.trim() === '') continue;
      // Composition checked every key; a supergraph whose key does not parse is not served (this throws).
      const selections = (parse(`{ ${key.value} }`, { noLocation: true }).definitions[0] as { selectionSet: SelectionSetNode }).selectionSet;
      const printed = print(selections);
      if (seen.has(printed)) continue;
      seen.add(printed);
      let forType = keys.get(definition.name.value);
      if (!forType) keys.set(definition.name.value, (forType = []));
      forType.push({ selections });
    }
  }
  return keys;
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
