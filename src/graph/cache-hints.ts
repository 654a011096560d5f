import { Kind, type ConstDirectiveNode, type DocumentNode } from 'graphql';

export type CacheScope = 'PUBLIC' | 'PRIVATE';

/**
 * One `@cacheControl(maxAge:, scope:, inheritMaxAge:)` (Apollo's directive), on a type or a field.
 * A value left out is not set (`maxAge` undefined is not 0: Apollo's rules say what it defaults to).
 */
export interface CacheHint {
  /** Seconds. */
  maxAge?: number;
  scope?: CacheScope;
  inheritMaxAge?: boolean;
}

/** The hints of a graph, by schema coordinate: `Type` for types, `Type.field` for fields. */
export type CacheHints = ReadonlyMap<string, CacheHint>;

export const NO_CACHE_HINTS: CacheHints = new Map();

const DIRECTIVE = 'cacheControl';

/**
 * Reads `@cacheControl` off subgraph SDLs (or a supergraph that kept it with `@composeDirective`):
 * object, interface and union types (extensions included) and their fields. A coordinate hinted
 * by several subgraphs (a shared type) gets the strictest hint: the lowest `maxAge`, `PRIVATE` over
 * `PUBLIC`, and `inheritMaxAge` only when no subgraph gives a `maxAge`.
 */
export function readCacheHints(documents: readonly DocumentNode[]): CacheHints {
  const hints = new Map<string, CacheHint>();
  const add = (coordinate: string, directives: readonly ConstDirectiveNode[] | undefined) => {
    for (const directive of directives ?? []) {
      if (directive.name.value !== DIRECTIVE) continue;
      const hint = hintOf(directive);
      const existing = hints.get(coordinate);
      hints.set(coordinate, existing ? strictest(existing, hint) : hint);
    }
  };
  for (const document of documents) {
    for (const definition of document.definitions) {
      switch (definition.kind) {
        case Kind.OBJECT_TYPE_DEFINITION:
        case Kind.OBJECT_TYPE_EXTENSION:
        case Kind.INTERFACE_TYPE_DEFINITION:
        case Kind.INTERFACE_TYPE_EXTENSION:
          add(definition.name.value, definition.directives);
          for (const field of definition.fields ?? []) add(`${definition.name.value}.${field.name.value}`, field.directives);
          break;
        case Kind.UNION_TYPE_DEFINITION:
        case Kind.UNION_TYPE_EXTENSION:
          add(definition.name.value, definition.directives);
          break;
        default:
          break;
      }
    }
  }
  return hints;
}

function hintOf(directive: ConstDirectiveNode): CacheHint {
  const hint: CacheHint = {};
  for (const argument of directive.arguments ?? []) {
    const { value } = argument;
    switch (argument.name.value) {
      case 'maxAge':
        if (value.kind === Kind.INT) hint.maxAge = Math.max(0, Number(value.value));
        break;
      case 'scope':
        if (value.kind === Kind.ENUM && (value.value === 'PUBLIC' || value.value === 'PRIVATE')) hint.scope = value.value;
        break;
      case 'inheritMaxAge':
        if (value.kind === Kind.BOOLEAN) hint.inheritMaxAge = value.value;
        break;
    }
  }
  return hint;
}

function strictest(a: CacheHint, b: CacheHint): CacheHint {
  const maxAge = a.maxAge === undefined ? b.maxAge : b.maxAge === undefined ? a.maxAge : Math.min(a.maxAge, b.maxAge);
  const scope = a.scope === 'PRIVATE' || b.scope === 'PRIVATE' ? 'PRIVATE' : (a.scope ?? b.scope);
  const inheritMaxAge = maxAge === undefined && (a.inheritMaxAge === true || b.inheritMaxAge === true);
  return { ...(maxAge !== undefined && { maxAge }), ...(scope && { scope }), ...(inheritMaxAge && { inheritMaxAge }) };
}
