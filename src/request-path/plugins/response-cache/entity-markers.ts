import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { canonicalEntityKey } from '../../../graph/entity-keys.js';
import type { Generation } from '../../../graph/generation.js';
import type { EntityKey } from '../../../graph/supergraph-facts.js';
import { RESERVED_ALIAS_PREFIX } from './operation-policy.js';

/**
 * What a response holds, as the cache indexes it (and a mutation invalidates it): the types of
 * its objects, the entities among them by key, and the entity types of objects whose key could
 * not be read (an entity invalidation of such a type reaches those answers too).
 */
export interface ResponseEntities {
  typeNames: Set<string>;
  /** Canonical keys (`canonicalEntityKey`) by type. */
  entities: Map<string, Set<string>>;
  unkeyed: Set<string>;
}

const TYPENAME_ALIAS = `${RESERVED_ALIAS_PREFIX}Typename`;
const keyAlias = (typeName: string, keyIndex: number, field: string) => `${RESERVED_ALIAS_PREFIX}Key_${typeName}_${keyIndex}_${field}`;

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;

interface KeyMarkers {
  key: EntityKey;
  /** The key's fields, aliased (`__gatehouseKey_Product_0_upc: upc`). */
  fields: FieldNode[];
}

/** The entity keys of a generation's types that the API schema can select, with their aliased fields. */
const keyMarkersByGeneration = new WeakMap<Generation, Map<string, KeyMarkers[]>>();

function keyMarkersOf(generation: Generation): Map<string, KeyMarkers[]> {
  let markers = keyMarkersByGeneration.get(generation);
  if (markers) return markers;
  markers = new Map();
  for (const [typeName, keys] of generation.entityKeys) {
    const type = generation.schema.getType(typeName);
    if (!isObjectType(type)) continue;
    const fieldsOfType = type.getFields();
    const usable: KeyMarkers[] = [];
    keys.forEach((key, index) => {
      const fields: FieldNode[] = [];
      for (const selection of key.selections.selections) {
        // A key field the API schema hides (@inaccessible) can't be asked for: that key is not used.
        if (selection.kind !== Kind.FIELD || !fieldsOfType[selection.name.value]) return;
        fields.push({ ...selection, alias: name(keyAlias(typeName, index, selection.name.value)) });
      }
      usable.push({ key, fields });
    });
    if (usable.length) markers.set(typeName, usable);
  }
  keyMarkersByGeneration.set(generation, markers);
  return markers;
}

const markedDocuments = new WeakMap<Generation, WeakMap<DocumentNode, DocumentNode>>();

/**
 * The document with what names the objects of its answer added to every selection set below the
 * root: `__typename`, and each entity type's key fields (under reserved aliases, in inline
 * fragments where the position is abstract). Memoised per generation and document, so the
 * engine plans the marked document once. `collectEntities` takes them out of the answer again.
 */
export function markedDocument(generation: Generation, document: DocumentNode): DocumentNode {
  let byDocument = markedDocuments.get(generation);
  if (!byDocument) markedDocuments.set(generation, (byDocument = new WeakMap()));
  let marked = byDocument.get(document);
  if (!marked) {
    marked = markDocument(generation.schema, keyMarkersOf(generation), document);
    byDocument.set(document, marked);
  }
  return marked;
}

function markDocument(schema: GraphQLSchema, keyMarkers: Map<string, KeyMarkers[]>, document: DocumentNode): DocumentNode {
  const rootTypes = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((type) => type !== null && type !== undefined));
  const typenameField: FieldNode = { kind: Kind.FIELD, alias: name(TYPENAME_ALIAS), name: name('__typename') };

  const markersFor = (type: GraphQLCompositeType): SelectionNode[] => {
    const markers: SelectionNode[] = [typenameField];
    const keyFields = (typeName: string) => (keyMarkers.get(typeName) ?? []).flatMap((entry) => entry.fields);
    if (isObjectType(type)) markers.push(...keyFields(type.name));
    else if (isAbstractType(type)) {
      for (const possible of schema.getPossibleTypes(type)) {
        const fields = keyFields(possible.name);
        if (!fields.length) continue;
        const fragment: InlineFragmentNode = {
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: { kind: Kind.NAMED_TYPE, name: name(possible.name) },
          selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
        };
        markers.push(fragment);
      }
    }
    return markers;
  };

  const mark = (parent: GraphQLCompositeType, set: SelectionSetNode): SelectionSetNode => {
    const selections = set.selections.map((selection): SelectionNode => {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        return isCompositeType(condition) ? { ...selection, selectionSet: mark(condition, selection.selectionSet) } : selection;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD || !selection.selectionSet) return selection;
      const field = (isObjectType(parent) || isInterfaceType(parent)) && parent.getFields()[selection.name.value];
      const returned = field && getNamedType(field.type);
      return isCompositeType(returned) ? { ...selection, selectionSet: mark(returned, selection.selectionSet) } : selection;
    });
    // The root object is the answer's `data` itself: nothing there to name.
    if (!rootTypes.has(parent as never)) selections.push(...markersFor(parent));
    return { ...set, selections };
  };

  return {
    ...document,
    definitions: document.definitions.map((definition) => {
      if (definition.kind === Kind.OPERATION_DEFINITION) {
        const root = schema.getRootType(definition.operation);
        return root ? { ...definition, selectionSet: mark(root, definition.selectionSet) } : definition;
      }
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        const condition = schema.getType(definition.typeCondition.name.value);
        return isCompositeType(condition) ? { ...definition, selectionSet: mark(condition, definition.selectionSet) } : definition;
      }
      return definition;
    }),
  };
}

/**
 * Takes the fields `markedDocument` added out of an answer (in place: the engine's answer is this
 * request's own) and says what the answer holds.
 */
export function collectEntities(generation: Generation, data: unknown): ResponseEntities {
  const keyMarkers = keyMarkersOf(generation);
  const found: ResponseEntities = { typeNames: new Set(), entities: new Map(), unkeyed: new Set() };
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    const typeName = object[TYPENAME_ALIAS];
    if (typeof typeName === 'string') {
      delete object[TYPENAME_ALIAS];
      found.typeNames.add(typeName);
      const keys = keyMarkers.get(typeName);
      if (keys) {
        let named = false;
        for (const { key, fields } of keys) {
          const keyValue: Record<string, unknown> = {};
          for (const field of fields) {
            const alias = field.alias!.value;
            keyValue[field.name.value] = object[alias];
            delete object[alias];
          }
          const canonical = canonicalEntityKey(key, keyValue);
          if (canonical === undefined) continue;
          named = true;
          let forType = found.entities.get(typeName);
          if (!forType) found.entities.set(typeName, (forType = new Set()));
          forType.add(canonical);
        }
        if (!named) found.unkeyed.add(typeName);
      }
    }
    for (const key in object) walk(object[key]);
  };
  walk(data);
  return found;
}
