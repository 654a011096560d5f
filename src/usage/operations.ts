import { createHash } from 'node:crypto';
import {
  getNamedType,
  getOperationAST,
  isEnumType,
  isInputObjectType,
  isUnionType,
  Kind,
  print,
  typeFromAST,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
} from 'graphql';
import type { OperationRow } from './types.js';

// Once per (schema, document, operation name): WeakMaps free an entry with its schema or document
// (the parse cache hands back the same DocumentNode for the same text, and it is bounded).
const descriptions = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, OperationRow | null>>>();
const hashes = new WeakMap<DocumentNode, string>();

/** What an executed operation is: its document's hash, name, type and the schema coordinates it uses. */
export function describeOperation(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): OperationRow | null {
  let byDocument = descriptions.get(schema);
  if (!byDocument) descriptions.set(schema, (byDocument = new WeakMap()));
  let byName = byDocument.get(document);
  if (!byName) byDocument.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let description = byName.get(key);
  if (description === undefined) {
    const operation = getOperationAST(document, operationName);
    description = operation
      ? {
          documentHash: documentHashOf(document),
          operationName: operation.name?.value ?? null,
          operationType: operation.operation,
          coordinates: coordinatesOf(schema, document, operation),
        }
      : null;
    byName.set(key, description);
  }
  return description;
}

const names = new WeakMap<DocumentNode, Map<string, string | null>>();

/**
 * A parsed document that was not executed (it failed validation): its hash and the name of the
 * operation asked for, without coordinates, since it used nothing. Once per (document, name).
 */
export function identifyDocument(document: DocumentNode, operationName: string | null | undefined): { documentHash: string; operationName: string | null } {
  let byName = names.get(document);
  if (!byName) names.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let name = byName.get(key);
  if (name === undefined) {
    name = getOperationAST(document, operationName)?.name?.value ?? operationName ?? null;
    byName.set(key, name);
  }
  return { documentHash: documentHashOf(document), operationName: name };
}

/** `sha256:<hex>` of the document's text, as trusted documents are named: a registered one has the same hash. */
function documentHashOf(document: DocumentNode): string {
  let hash = hashes.get(document);
  if (!hash) {
    const text = document.loc?.source.body ?? print(document);
    hash = `sha256:${createHash('sha256').update(text).digest('hex')}`;
    hashes.set(document, hash);
  }
  return hash;
}

/**
 * The coordinates an operation touches (its fragments included), as Hive's usage reporting
 * collects them: `Type.field` for every selected field, `Type.field.arg` for every argument
 * given, `Input.field` and `Enum.VALUE` for literals, and a whole type's name where any of it may
 * be used: an input type or enum passed in a variable (with the input types inside it), an enum
 * or union a field returns.
 */
function coordinatesOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const coordinates = new Set<string>();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  const addWholeType = (type: GraphQLType | undefined | null) => {
    const named = type && getNamedType(type);
    if (!named || coordinates.has(named.name)) return;
    if (isEnumType(named)) coordinates.add(named.name);
    if (isInputObjectType(named)) {
      coordinates.add(named.name);
      for (const field of Object.values(named.getFields())) addWholeType(field.type);
    }
  };

  const typeInfo = new TypeInfo(schema);
  const pending: ASTNode[] = [operation];
  const spread = new Set<string>();
  const visitor = visitWithTypeInfo(typeInfo, {
    Field(node) {
      const parent = typeInfo.getParentType();
      if (!parent || node.name.value.startsWith('__')) return;
      coordinates.add(`${parent.name}.${node.name.value}`);
      const returned = typeInfo.getType();
      const named = returned && getNamedType(returned);
      if (named && (isEnumType(named) || isUnionType(named))) coordinates.add(named.name);
    },
    Argument(node) {
      // Arguments of @include, @skip and other directives are not the schema's fields'.
      if (typeInfo.getDirective()) return;
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      if (!parent || !field) return;
      coordinates.add(`${parent.name}.${field.name}.${node.name.value}`);
      if (node.value.kind === Kind.VARIABLE) addWholeType(typeInfo.getArgument()?.type);
    },
    ObjectField(node) {
      const parent = typeInfo.getParentInputType();
      const named = parent && getNamedType(parent);
      if (named && isInputObjectType(named)) coordinates.add(`${named.name}.${node.name.value}`);
      if (node.value.kind === Kind.VARIABLE) addWholeType(typeInfo.getInputType());
    },
    EnumValue(node) {
      const type = typeInfo.getInputType();
      const named = type && getNamedType(type);
      if (named && isEnumType(named)) coordinates.add(`${named.name}.${node.value}`);
    },
    VariableDefinition(node) {
      addWholeType(typeFromAST(schema, node.type as Parameters<typeof typeFromAST>[1]));
      // Its default value is checked against the type, not a field: nothing more to collect inside.
      return false;
    },
    FragmentSpread(node) {
      const name = node.name.value;
      const fragment = fragments.get(name);
      if (fragment && !spread.has(name)) {
        spread.add(name);
        pending.push(fragment);
      }
    },
  });
  while (pending.length) visit(pending.pop()!, visitor);
  return [...coordinates].sort();
}
