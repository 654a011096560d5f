import {
  getNamedType,
  getOperationAST,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { accessRuleFor, type AccessRule } from './access-rules.js';

/** One step of a response path: a response key, or `@` for every item of a list (Apollo's notation). */
export interface PathStep {
  key: string;
  /** Whether null may stand here (for a list step: whether its items are nullable). */
  nullable: boolean;
}

/** One place in the response where a guarded field would appear. */
export interface GuardedSelection {
  node: FieldNode;
  rule: AccessRule;
  /** From the root to this field, then one `@` step per list level of the field's own type. */
  path: readonly PathStep[];
  /** Index in `path` of this field's own step. */
  fieldStep: number;
  /** Concrete types the enclosing object must have for this selection to apply (fragments on abstract types); undefined: any. */
  runtimeTypes: ReadonlySet<string> | undefined;
  /** This field and every selection above it that carries `@skip` or `@include`. */
  conditions: readonly SelectionNode[];
  /** Index of the nearest guarded selection this one is nested in: if that one is refused, this one is gone with it. */
  enclosing: number | undefined;
}

export interface GuardedOperation {
  operation: OperationDefinitionNode;
  selections: readonly GuardedSelection[];
}

const byDocument = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, GuardedOperation | null>>>();

/**
 * The guarded fields of one operation, or null when it has none. Memoised on (schema, document,
 * operation name): the parser cache hands back the same document for the same text, and both
 * keys are freed with their generation or cache entry.
 */
export function guardedSelections(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): GuardedOperation | null {
  let documents = byDocument.get(schema);
  if (!documents) byDocument.set(schema, (documents = new WeakMap()));
  let operations = documents.get(document);
  if (!operations) documents.set(document, (operations = new Map()));
  const key = operationName ?? '';
  let guarded = operations.get(key);
  if (guarded === undefined) {
    guarded = collect(schema, document, operationName);
    operations.set(key, guarded);
  }
  return guarded;
}

function collect(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): GuardedOperation | null {
  const operation = getOperationAST(document, operationName);
  const rootType = operation && schema.getRootType(operation.operation);
  if (!operation || !rootType) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  const selections: GuardedSelection[] = [];
  interface Scope {
    parentType: GraphQLCompositeType;
    path: readonly PathStep[];
    runtimeTypes: ReadonlySet<string> | undefined;
    conditions: readonly SelectionNode[];
    enclosing: number | undefined;
    /** Fragments being expanded (validation forbids cycles; this only guards the walk). */
    spreads: ReadonlySet<string>;
  }

  const walk = (selectionSet: SelectionSetNode, scope: Scope): void => {
    for (const selection of selectionSet.selections) {
      const conditions = selection.directives?.some(isCondition) ? [...scope.conditions, selection] : scope.conditions;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const field = name.startsWith('__') || !('getFields' in scope.parentType) ? undefined : scope.parentType.getFields()[name];
        if (!field) continue; // __typename and introspection are open to all
        const path = [...scope.path, ...stepsFor(selection.alias?.value ?? name, field.type)];
        const fieldStep = scope.path.length;
        const rule = accessRuleFor(schema, scope.parentType, name);
        let enclosing = scope.enclosing;
        if (rule) {
          selections.push({ node: selection, rule, path, fieldStep, runtimeTypes: scope.runtimeTypes, conditions, enclosing });
          enclosing = selections.length - 1;
        }
        const fieldType = getNamedType(field.type);
        if (selection.selectionSet && isCompositeType(fieldType)) {
          walk(selection.selectionSet, { ...scope, parentType: fieldType, path, runtimeTypes: undefined, conditions, enclosing });
        }
        continue;
      }
      let typeCondition = selection.kind === Kind.INLINE_FRAGMENT ? selection.typeCondition : undefined;
      let fragmentSelectionSet = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : undefined;
      let spreads = scope.spreads;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || spreads.has(fragment.name.value)) continue;
        typeCondition = fragment.typeCondition;
        fragmentSelectionSet = fragment.selectionSet;
        spreads = new Set([...spreads, fragment.name.value]);
      }
      const fragmentType = typeCondition ? schema.getType(typeCondition.name.value) : scope.parentType;
      if (!fragmentSelectionSet || !isCompositeType(fragmentType)) continue;
      walk(fragmentSelectionSet, {
        ...scope,
        parentType: fragmentType,
        runtimeTypes: narrow(schema, scope.parentType, fragmentType, scope.runtimeTypes),
        conditions,
        spreads,
      });
    }
  };
  walk(operation.selectionSet, { parentType: rootType, path: [], runtimeTypes: undefined, conditions: [], enclosing: undefined, spreads: new Set() });
  return selections.length ? { operation, selections } : null;
}

function isCondition(directive: { name: { value: string } }): boolean {
  return directive.name.value === 'skip' || directive.name.value === 'include';
}

function stepsFor(responseKey: string, type: GraphQLOutputType): PathStep[] {
  const steps: PathStep[] = [{ key: responseKey, nullable: !isNonNullType(type) }];
  let inner = isNonNullType(type) ? type.ofType : type;
  while (isListType(inner)) {
    steps.push({ key: '@', nullable: !isNonNullType(inner.ofType) });
    inner = isNonNullType(inner.ofType) ? inner.ofType.ofType : inner.ofType;
  }
  return steps;
}

/** A fragment on a narrower type applies only to objects of its possible types. */
function narrow(
  schema: GraphQLSchema,
  parentType: GraphQLCompositeType,
  fragmentType: GraphQLCompositeType,
  current: ReadonlySet<string> | undefined,
): ReadonlySet<string> | undefined {
  // On an object type, a valid fragment always applies (validation checks the types overlap).
  if (fragmentType === parentType || isObjectType(parentType)) return current;
  const possible = isObjectType(fragmentType) ? [fragmentType] : schema.getPossibleTypes(fragmentType);
  const names = possible.map((type) => type.name).filter((name) => !current || current.has(name));
  return new Set(names);
}
