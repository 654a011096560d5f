import type { GraphQLResolveInfo } from 'graphql';
import type { CompositionErrorDetail } from '../../errors.js';
import type { LinkDefinition } from '../fields.js';
import type { BuildOutcome, GraphView } from '../types.js';
import type { AddedField, EntityType, InProcessContext, Representation } from './subgraph.js';

/** What a link calls, as the backend's kind resolves it (an OpenAPI operation, a root field). */
export interface LinkTarget {
  /** GraphQL type of the link field, nullable: a failed call nulls only this field. */
  fieldType: string;
  /** Calls the backend with the link's arguments, taken from the parent object. */
  load(args: Record<string, unknown>, context: InProcessContext, info: GraphQLResolveInfo): unknown;
}

export type LinkTargetOutcome = { ok: true; target: LinkTarget } | { ok: false; reason: string };

/**
 * Turns a backend's links into the entity types its subgraph declares: each linked type with the
 * key its owner provides, the parent fields the arguments come from (`@external` + `@requires` when
 * they are not key fields), and the link fields themselves. Every problem is reported, none thrown.
 */
export function linkedEntities(
  backend: string,
  links: readonly LinkDefinition[],
  graph: GraphView,
  targetOf: (link: LinkDefinition) => LinkTargetOutcome,
): BuildOutcome<EntityType[]> {
  const errors: CompositionErrorDetail[] = [];
  const byType = new Map<string, { key: readonly string[]; fields: Map<string, AddedField> }>();
  const declared = new Set<string>();

  for (const link of links) {
    const fail = (message: string) => errors.push({ message: `Link ${link.type}.${link.field} of "${backend}": ${message}`, code: 'LINK_INVALID', backend });
    const coordinate = `${link.type}.${link.field}`;
    const parent = graph.objectType(link.type, backend);
    if (!parent) {
      fail(`type "${link.type}" does not exist in the graph (or is not an object type)`);
      continue;
    }
    if (declared.has(coordinate) || parent.has(link.field)) {
      fail(`field "${link.field}" is already defined on "${link.type}"`);
      continue;
    }
    const argumentNames = Object.keys(link.arguments);
    const fromFields = fromFieldsOf(link);
    const missing = fromFields.filter((from) => !parent.has(from));
    if (missing.length) {
      fail(`"${link.type}" has no field ${missing.map((name) => `"${name}"`).join(', ')} to take arguments from`);
      continue;
    }
    const target = targetOf(link);
    if (!target.ok) {
      fail(target.reason);
      continue;
    }
    const key = graph.entityKey(link.type, fromFields, backend);
    if (!key.ok) {
      fail(key.reason);
      continue;
    }
    declared.add(coordinate);

    let entity = byType.get(link.type);
    if (!entity) {
      entity = { key: key.value, fields: new Map() };
      for (const keyField of key.value) entity.fields.set(keyField, { name: keyField, type: parent.get(keyField)!.type });
      byType.set(link.type, entity);
    } else if (entity.key.join(' ') !== key.value.join(' ')) {
      fail(`its key (${key.value.join(' ')}) differs from the key of this backend's other links on "${link.type}"`);
      continue;
    }
    const required = fromFields.filter((from) => !entity.key.includes(from));
    for (const from of required) entity.fields.set(from, { name: from, type: parent.get(from)!.type, external: true });
    entity.fields.set(link.field, {
      name: link.field,
      type: target.target.fieldType,
      requires: required,
      resolve: (representation: Representation, _args, context, info) => {
        const args: Record<string, unknown> = {};
        for (const name of argumentNames) {
          const value = representation[link.arguments[name]!];
          if (value === null || value === undefined) return null;
          args[name] = value;
        }
        return target.target.load(args, context, info);
      },
    });
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: [...byType].map(([typeName, { key, fields }]) => ({
      typeName,
      key,
      resolvable: true,
      addedFields: [...fields.values()],
      // The representation carries the key and the required fields: the link fields resolve on it.
      resolveReference: (representation) => representation,
    })),
  };
}

/** The types `links` extend and the parent fields their arguments come from, as the graph view needs them. */
export function linkRequestsOf(links: readonly LinkDefinition[]): Array<{ type: string; fromFields: readonly string[] }> {
  return links.map((link) => ({ type: link.type, fromFields: fromFieldsOf(link) }));
}

function fromFieldsOf(link: LinkDefinition): string[] {
  return [...new Set(Object.values(link.arguments))];
}

/**
 * The keys other backends' links need this backend to declare on its own types: it can hand
 * those objects over by these fields, but another backend resolves what the links add.
 */
export function providedKeys(backend: string, ownTypeNames: Iterable<string>, graph: GraphView): EntityType[] {
  return [...ownTypeNames].flatMap((typeName) =>
    graph.requestedKeys(typeName, backend).map((key) => ({ typeName, key, resolvable: false })),
  );
}
