import { createGraphQLError } from '@graphql-tools/utils';
import {
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLAbstractType,
  type GraphQLError,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { ResponseObject, ResponsePath } from './entities.js';

/**
 * Turns the data the plan's fetches assembled into the response the operation asked for, with
 * GraphQL's execution rules: response keys in the operation's order, fragments applied by type,
 * `@skip`/`@include`, `__typename`, and a null in a non-null position nulling the nearest nullable
 * parent, with an error unless a subgraph already reported one there.
 */
export interface Completion {
  schema: GraphQLSchema;
  fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  variables: Readonly<Record<string, unknown>>;
  /** Errors so far (the fetches'); null errors are added here. */
  errors: GraphQLError[];
  /** Values of root introspection fields (`__schema`, `__type`), answered by the gateway itself. */
  introspection?: Readonly<Record<string, unknown>>;
}

/** A non-null position got null: the nearest nullable parent becomes null. */
const NULLED = Symbol('nulled');

export function completeRoot(completion: Completion, rootType: GraphQLObjectType, selectionSet: SelectionSetNode, data: ResponseObject): ResponseObject | null {
  const state = new CompletionState(completion);
  const result = state.completeObject(rootType, [selectionSet], data, [], true);
  return result === NULLED ? null : result;
}

class CompletionState {
  #covered: Set<string> | undefined;

  constructor(private readonly completion: Completion) {}

  completeObject(type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[], source: ResponseObject, path: ResponsePath, isRoot = false): ResponseObject | typeof NULLED {
    const fields = collectFields(this.completion, type, selectionSets);
    const result: ResponseObject = {};
    const definitions = type.getFields();
    for (const [responseKey, nodes] of fields) {
      const fieldName = nodes[0]!.name.value;
      if (fieldName === '__typename') {
        result[responseKey] = type.name;
        continue;
      }
      if (isRoot && (fieldName === '__schema' || fieldName === '__type')) {
        result[responseKey] = this.completion.introspection?.[responseKey] ?? null;
        continue;
      }
      const definition = definitions[fieldName];
      if (!definition) continue;
      path.push(responseKey);
      const value = this.completeField(definition.type, nodes, source[responseKey], path, type, fieldName);
      path.pop();
      if (value === NULLED) return NULLED;
      result[responseKey] = value;
    }
    return result;
  }

  completeField(type: GraphQLOutputType, nodes: readonly FieldNode[], value: unknown, path: ResponsePath, parent: GraphQLObjectType, fieldName: string): unknown {
    if (isNonNullType(type)) {
      const completed = this.completeNullable(type.ofType, nodes, value, path, parent, fieldName);
      if (completed === null) {
        this.#nullError(path, parent, fieldName);
        return NULLED;
      }
      return completed;
    }
    const completed = this.completeNullable(type, nodes, value, path, parent, fieldName);
    return completed === NULLED ? null : completed;
  }

  completeNullable(type: GraphQLOutputType, nodes: readonly FieldNode[], value: unknown, path: ResponsePath, parent: GraphQLObjectType, fieldName: string): unknown {
    if (value === null || value === undefined) return null;
    if (isListType(type)) {
      if (!Array.isArray(value)) return null;
      const items = new Array<unknown>(value.length);
      for (let index = 0; index < value.length; index++) {
        path.push(index);
        const item = this.completeField(type.ofType, nodes, value[index], path, parent, fieldName);
        path.pop();
        if (item === NULLED) return NULLED;
        items[index] = item;
      }
      return items;
    }
    if (isLeafType(type)) return value;
    if (typeof value !== 'object') return null;
    const objectType = isAbstractType(type) ? this.#concreteType(type, value as ResponseObject) : (type as GraphQLObjectType);
    if (!objectType) return null;
    return this.completeObject(objectType, selectionSetsOf(nodes), value as ResponseObject, path);
  }

  /** The object type an abstract-typed value is, from its `__typename` (planners always fetch it). */
  #concreteType(type: GraphQLAbstractType, value: ResponseObject): GraphQLObjectType | undefined {
    const { schema } = this.completion;
    const typeName = value.__typename;
    if (typeof typeName === 'string') {
      const candidate = schema.getType(typeName);
      // A type the API schema hides (`@inaccessible`) is not an answer clients can be given.
      return isObjectType(candidate) && schema.isSubType(type, candidate) ? candidate : undefined;
    }
    const possible = schema.getPossibleTypes(type);
    return possible.length === 1 ? possible[0] : undefined;
  }

  #nullError(path: ResponsePath, parent: GraphQLObjectType, fieldName: string): void {
    const key = path.join('.');
    this.#covered ??= new Set(this.completion.errors.flatMap((error) => prefixesOf(error.path ?? [])));
    if (this.#covered.has(key)) return;
    this.completion.errors.push(createGraphQLError(`Cannot return null for non-nullable field ${parent.name}.${fieldName}.`, { path: [...path] }));
    for (const prefix of prefixesOf(path)) this.#covered.add(prefix);
  }
}

function prefixesOf(path: ReadonlyArray<string | number>): string[] {
  const prefixes: string[] = [];
  for (let length = 1; length <= path.length; length++) prefixes.push(path.slice(0, length).join('.'));
  return prefixes;
}

function selectionSetsOf(nodes: readonly FieldNode[]): SelectionSetNode[] {
  const sets: SelectionSetNode[] = [];
  for (const node of nodes) if (node.selectionSet) sets.push(node.selectionSet);
  return sets;
}

type CollectedFields = Map<string, FieldNode[]>;

// Field collection depends on the selection set, the object type and (through @skip/@include)
// variables; without variable-dependent directives it is cached on the selection set.
const collected = new WeakMap<SelectionSetNode, Map<string, CollectedFields>>();
const variableDependent = new WeakMap<SelectionSetNode, boolean>();

function collectFields(completion: Completion, type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[]): CollectedFields {
  const only = selectionSets.length === 1 ? selectionSets[0]! : undefined;
  if (only && !dependsOnVariables(only, completion.fragments)) {
    let byType = collected.get(only);
    if (!byType) collected.set(only, (byType = new Map()));
    let fields = byType.get(type.name);
    if (!fields) byType.set(type.name, (fields = collectInto(completion, type, selectionSets)));
    return fields;
  }
  return collectInto(completion, type, selectionSets);
}

function collectInto(completion: Completion, type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[]): CollectedFields {
  const fields: CollectedFields = new Map();
  const visited = new Set<string>();
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (!isIncluded(selection.directives, completion.variables)) continue;
      switch (selection.kind) {
        case Kind.FIELD: {
          const key = selection.alias?.value ?? selection.name.value;
          const list = fields.get(key);
          if (list) list.push(selection);
          else fields.set(key, [selection]);
          break;
        }
        case Kind.INLINE_FRAGMENT:
          if (!selection.typeCondition || appliesTo(completion.schema, selection.typeCondition.name.value, type)) visit(selection.selectionSet);
          break;
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = completion.fragments[name];
          if (visited.has(name) || !fragment) break;
          visited.add(name);
          if (appliesTo(completion.schema, fragment.typeCondition.name.value, type)) visit(fragment.selectionSet);
          break;
        }
      }
    }
  };
  for (const selectionSet of selectionSets) visit(selectionSet);
  return fields;
}

function appliesTo(schema: GraphQLSchema, condition: string, type: GraphQLObjectType): boolean {
  if (condition === type.name) return true;
  const conditionType = schema.getType(condition);
  return conditionType !== undefined && isAbstractType(conditionType) && schema.isSubType(conditionType, type);
}

type Directives = FieldNode['directives'];

function isIncluded(directives: Directives, variables: Readonly<Record<string, unknown>>): boolean {
  if (!directives?.length) return true;
  for (const directive of directives) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const condition = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
    const value = condition?.kind === Kind.VARIABLE ? variables[condition.name.value] === true : condition?.kind === Kind.BOOLEAN && condition.value;
    if (name === 'skip' ? value : !value) return false;
  }
  return true;
}

/** Whether `@skip`/`@include` with a variable appear in the selection set (fragments included). */
function dependsOnVariables(selectionSet: SelectionSetNode, fragments: Readonly<Record<string, FragmentDefinitionNode>>, seen = new Set<string>()): boolean {
  const known = variableDependent.get(selectionSet);
  if (known !== undefined) return known;
  let depends = false;
  for (const selection of selectionSet.selections) {
    if (selection.directives?.some((directive) => directive.arguments?.some((argument) => argument.value.kind === Kind.VARIABLE))) depends = true;
    else if (selection.kind === Kind.INLINE_FRAGMENT) depends = dependsOnVariables(selection.selectionSet, fragments, seen);
    else if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments[selection.name.value];
      depends = fragment !== undefined && dependsOnVariables(fragment.selectionSet, fragments, seen);
    }
    if (depends) break;
  }
  variableDependent.set(selectionSet, depends);
  return depends;
}
