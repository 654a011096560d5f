import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { CacheHint, CacheScope } from '../../../graph/cache-hints.js';

/** Where a coordinate's hint comes from: an admin policy there, else the subgraphs' `@cacheControl`. */
export type HintAt = (coordinate: string) => CacheHint | undefined;

/** How long an operation's answer may be cached, and for whom. */
export interface OperationPolicy {
  /** Seconds; 0: not cached. */
  maxAgeSeconds: number;
  scope: CacheScope;
  /** Composite types the operation selects (tags for purging by type). */
  typeNames: ReadonlySet<string>;
}

/** Response keys of the fields the cache adds to find entities start with this; a document using it is never cached. */
export const RESERVED_ALIAS_PREFIX = '__gatehouse';

const UNCACHEABLE: OperationPolicy = Object.freeze({ maxAgeSeconds: 0, scope: 'PUBLIC', typeNames: new Set<string>() });

/**
 * Apollo Server's cache control rules, applied to the document (Apollo applies them per resolved
 * field; fields under fragments that don't apply, or under `@skip`, make this stricter, never
 * looser). For each field: its return type's hint (composite types) is replaced by the field's own;
 * a field with `inheritMaxAge` keeps its parent's age; a root field, or one returning a composite
 * type, without a `maxAge` gets 0. The operation gets the lowest `maxAge` of its fields, and is
 * `PRIVATE` if any of them is. `__typename` counts for nothing; introspection makes it uncacheable.
 */
export function operationPolicy(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, hintAt: HintAt): OperationPolicy {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType || operation.operation !== 'query') return UNCACHEABLE;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

  let maxAge = Number.POSITIVE_INFINITY;
  let scope: CacheScope = 'PUBLIC';
  const typeNames = new Set<string>();

  /** Returns false once the operation is known to be uncacheable. */
  const visit = (parent: GraphQLCompositeType, selectionSet: SelectionSetNode, isRoot: boolean): boolean => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (!isCompositeType(condition) || !visit(condition, selection.selectionSet, isRoot)) return false;
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const condition = fragment && schema.getType(fragment.typeCondition.name.value);
        if (!fragment || !isCompositeType(condition) || !visit(condition, fragment.selectionSet, isRoot)) return false;
        continue;
      }
      // A client's field under our reserved names could pass itself off as an entity's key.
      if (selection.alias?.value.startsWith(RESERVED_ALIAS_PREFIX)) return false;
      const name = selection.name.value;
      if (name === '__typename') continue;
      if (name === '__schema' || name === '__type') return false;
      const definition = (isObjectType(parent) || isInterfaceType(parent)) && parent.getFields()[name];
      if (!definition) return false;
      const returned = getNamedType(definition.type);
      const composite = isCompositeType(returned);

      let fieldMaxAge: number | undefined;
      let fieldScope: CacheScope | undefined;
      let inherits = false;
      if (composite) {
        const typeHint = hintAt(returned.name);
        fieldMaxAge = typeHint?.maxAge;
        fieldScope = typeHint?.scope;
        inherits = typeHint?.inheritMaxAge === true;
      }
      const fieldHint = hintAt(`${parent.name}.${name}`);
      if (fieldHint?.inheritMaxAge && fieldMaxAge === undefined) {
        inherits = true;
        fieldScope = fieldHint.scope ?? fieldScope;
      } else if (fieldHint) {
        fieldMaxAge = fieldHint.maxAge ?? fieldMaxAge;
        fieldScope = fieldHint.scope ?? fieldScope;
      }
      if ((composite || isRoot) && fieldMaxAge === undefined && (!inherits || isRoot)) fieldMaxAge = 0;
      if (fieldMaxAge !== undefined) maxAge = Math.min(maxAge, fieldMaxAge);
      if (fieldScope === 'PRIVATE') scope = 'PRIVATE';
      if (maxAge <= 0) return false;

      if (composite) {
        typeNames.add(returned.name);
        if (selection.selectionSet && !visit(returned, selection.selectionSet, false)) return false;
      }
    }
    return true;
  };

  if (!visit(rootType, operation.selectionSet, true) || !Number.isFinite(maxAge)) return UNCACHEABLE;
  return { maxAgeSeconds: maxAge, scope, typeNames };
}
