import { Kind, print, type ConstDirectiveNode, type FieldDefinitionNode } from 'graphql';
import type { GraphView, PreparedSource, ViewField } from '../sources/types.js';

interface OwnedType {
  owner: string;
  generated: boolean;
  fields: Map<string, ViewField>;
  /** Resolvable `@key`s made of plain fields only, e.g. `['upc']`. */
  keys: Array<readonly string[]>;
}

const SIMPLE_FIELD_SET = /^\s*[_A-Za-z][_0-9A-Za-z]*(\s+[_A-Za-z][_0-9A-Za-z]*)*\s*$/;

/**
 * What each backend may know of the others while its subgraph is built: their object types and
 * the keys they hand objects over by. Computed once per build from every backend's own types.
 */
export class SourcesView implements GraphView {
  readonly #types = new Map<string, OwnedType[]>();
  readonly #requested = new Map<string, Array<{ requester: string; fromFields: readonly string[] }>>();

  constructor(prepared: readonly PreparedSource[]) {
    for (const source of prepared) {
      for (const definition of source.ownTypes.definitions) {
        if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
        const owned = this.#owned(definition.name.value, source);
        for (const field of definition.fields ?? []) owned.fields.set(field.name.value, viewField(field));
        for (const directive of definition.directives ?? []) {
          const key = resolvableKey(directive);
          if (key) owned.keys.push(key);
        }
      }
      for (const request of source.linkRequests) {
        const list = this.#requested.get(request.type) ?? [];
        list.push({ requester: source.name, fromFields: request.fromFields });
        this.#requested.set(request.type, list);
      }
    }
  }

  objectType(name: string, except: string): ReadonlyMap<string, ViewField> | undefined {
    const owners = this.#others(name, except);
    if (owners.length === 0) return undefined;
    return new Map(owners.flatMap((owner) => [...owner.fields]));
  }

  entityKey(type: string, fromFields: readonly string[], requester: string) {
    const owners = this.#others(type, requester);
    if (owners.length === 0) return { ok: false as const, reason: `type "${type}" does not exist in the graph (or is not an object type)` };
    const described = owners.find((owner) => !owner.generated && owner.keys.length > 0);
    if (described) return { ok: true as const, value: described.keys[0]! };
    if (owners.some((owner) => owner.generated)) return { ok: true as const, value: fromFields };
    return { ok: false as const, reason: `type "${type}" has no @key with plain fields in the subgraphs that define it: links extend entities` };
  }

  requestedKeys(type: string, owner: string): ReadonlyArray<readonly string[]> {
    const keys = new Map<string, readonly string[]>();
    for (const { requester, fromFields } of this.#requested.get(type) ?? []) {
      if (requester === owner) continue;
      const key = this.entityKey(type, fromFields, requester);
      // Only keys made of the link's own fields are the generated owners' to declare.
      if (key.ok && key.value === fromFields) keys.set(fromFields.join(' '), fromFields);
    }
    return [...keys.values()];
  }

  #owned(name: string, source: PreparedSource): OwnedType {
    const list = this.#types.get(name) ?? [];
    this.#types.set(name, list);
    let owned = list.find((entry) => entry.owner === source.name);
    if (!owned) {
      owned = { owner: source.name, generated: source.generated, fields: new Map(), keys: [] };
      list.push(owned);
    }
    return owned;
  }

  #others(name: string, except: string): OwnedType[] {
    return (this.#types.get(name) ?? []).filter((owned) => owned.owner !== except);
  }
}

function viewField(field: FieldDefinitionNode): ViewField {
  return { type: print(field.type) };
}

/** `@key(fields: "upc")` (or `@federation__key`), unless `resolvable: false` or nested. */
function resolvableKey(directive: ConstDirectiveNode): readonly string[] | undefined {
  if (directive.name.value !== 'key' && directive.name.value !== 'federation__key') return undefined;
  const fields = directive.arguments?.find((arg) => arg.name.value === 'fields')?.value;
  const resolvable = directive.arguments?.find((arg) => arg.name.value === 'resolvable')?.value;
  if (resolvable?.kind === Kind.BOOLEAN && !resolvable.value) return undefined;
  if (fields?.kind !== Kind.STRING || !SIMPLE_FIELD_SET.test(fields.value)) return undefined;
  return fields.value.trim().split(/\s+/);
}
