import type { FetchRewrite, FlattenNodePathSegment, RequiresSelection } from '@graphql-hive/router-query-planner';
import type { TypeRelations } from './type-relations.js';

export type ResponsePath = Array<string | number>;
export type ResponseObject = Record<string, unknown>;

/** An object in the response being assembled, and where it sits (for error paths). */
export interface EntityAt {
  entity: ResponseObject;
  path: ResponsePath;
}

/**
 * The objects a `Flatten` path leads to in the response assembled so far: `{ Field }` steps
 * into a field (of every item of a list), `"@"` into every item, `{ TypeCondition }` keeps
 * objects of those types.
 */
export function entitiesAt(data: unknown, segments: readonly FlattenNodePathSegment[], relations: TypeRelations): EntityAt[] {
  const found: EntityAt[] = [];
  const path: ResponsePath = [];
  const walk = (value: unknown, index: number): void => {
    if (value === null || typeof value !== 'object') return;
    if (index === segments.length) {
      if (Array.isArray(value)) {
        value.forEach((item, position) => {
          if (item !== null && typeof item === 'object') found.push({ entity: item as ResponseObject, path: [...path, position] });
        });
      } else {
        found.push({ entity: value as ResponseObject, path: [...path] });
      }
      return;
    }
    const segment = segments[index]!;
    if (segment === '@' || Array.isArray(value)) {
      if (!Array.isArray(value)) return;
      const next = segment === '@' ? index + 1 : index;
      value.forEach((item, position) => {
        path.push(position);
        walk(item, next);
        path.pop();
      });
      return;
    }
    if ('Field' in segment) {
      path.push(segment.Field);
      walk((value as ResponseObject)[segment.Field], index + 1);
      path.pop();
      return;
    }
    const typeName = (value as ResponseObject).__typename;
    if (typeof typeName !== 'string' || relations.satisfiesAny(typeName, segment.TypeCondition)) walk(value, index + 1);
  };
  walk(data, 0);
  return found;
}

/** The representation of `entity` a fetch `requires` (key and required fields), or undefined if it has none. */
export function representationOf(requires: readonly RequiresSelection[], entity: ResponseObject, relations: TypeRelations): ResponseObject | undefined {
  const projected = project(requires, entity, relations);
  if (!projected || Array.isArray(projected)) return undefined;
  const keys = Object.keys(projected);
  if (keys.length === 0 || (keys.length === 1 && keys[0] === '__typename')) return undefined;
  (projected as ResponseObject).__typename ??= entity.__typename;
  return projected as ResponseObject;
}

function project(selections: readonly RequiresSelection[], value: unknown, relations: TypeRelations): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => project(selections, item, relations));
  const source = value as ResponseObject;
  const result: ResponseObject = {};
  // A value selected by type (a union or interface in `@requires`) must say its type, or the
  // subgraph cannot tell which fragment applies: keep `__typename` even when not selected.
  if (typeof source.__typename === 'string' && selections.some((selection) => selection.kind === 'InlineFragment')) result.__typename = source.__typename;
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const responseKey = selection.alias ?? selection.name;
      const original = source[selection.name] !== undefined ? source[selection.name] : source[responseKey];
      const projected = selection.selections ? project(selection.selections, original, relations) : original;
      if (projected !== null && projected !== undefined) result[responseKey] = projected;
    } else if (selection.kind === 'InlineFragment') {
      const typeName = source.__typename;
      if (typeof typeName === 'string' && !relations.satisfies(typeName, selection.typeCondition)) continue;
      Object.assign(result, project(selection.selections, source, relations));
    }
  }
  return result;
}

/**
 * Adds what a fetch returned for an object to the object: fields it did not have are set, objects
 * (and lists of objects) both have are merged, so two subgraphs' parts of one object meet.
 */
export function mergeInto(target: ResponseObject, source: ResponseObject): void {
  for (const key of Object.keys(source)) {
    const incoming = source[key];
    const existing = target[key];
    if (isPlainObject(existing) && isPlainObject(incoming)) mergeInto(existing, incoming);
    else if (Array.isArray(existing) && Array.isArray(incoming) && existing.length === incoming.length) {
      for (let index = 0; index < incoming.length; index++) {
        const item = incoming[index];
        if (isPlainObject(existing[index]) && isPlainObject(item)) mergeInto(existing[index] as ResponseObject, item);
        else existing[index] = item;
      }
    } else if (incoming !== undefined) target[key] = incoming;
  }
}

function isPlainObject(value: unknown): value is ResponseObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The text identical representations (the same product listed twice) share, so each is sent once.
 * Representations are built field by field in the `requires` order, so equal ones print equally.
 */
export function representationKey(value: unknown): string {
  return JSON.stringify(value);
}

/** Applies a fetch's input or output rewrites (interface objects, renamed keys) to a value. */
export function applyRewrites(value: unknown, rewrites: readonly FetchRewrite[] | undefined, relations: TypeRelations): unknown {
  if (!rewrites?.length) return value;
  let current = value;
  for (const rewrite of rewrites) {
    if ('KeyRenamer' in rewrite) renameKey(current, rewrite.KeyRenamer.path, rewrite.KeyRenamer.renameKeyTo, relations);
    else {
      const setter = 'ValueSetter' in rewrite ? rewrite.ValueSetter : rewrite;
      current = setValue(current, setter.path, setter.setValueTo, relations);
    }
  }
  return current;
}

type RewritePath = Array<{ TypenameEquals: string[] } | { Key: string }>;

function setValue(value: unknown, path: RewritePath, setValueTo: string, relations: TypeRelations): unknown {
  if (Array.isArray(value)) return value.map((item) => setValue(item, path, setValueTo, relations));
  const [step, ...rest] = path;
  if (!step) return setValueTo;
  if (value === null || typeof value !== 'object') return value;
  const record = value as ResponseObject;
  if ('TypenameEquals' in step) {
    const typeName = record.__typename;
    if (typeof typeName === 'string' && !relations.satisfiesAny(typeName, step.TypenameEquals)) return value;
    return setValue(value, rest, setValueTo, relations);
  }
  if (rest.length === 0) return { ...record, [step.Key]: setValueTo };
  if (record[step.Key] === null || record[step.Key] === undefined) return value;
  return { ...record, [step.Key]: setValue(record[step.Key], rest, setValueTo, relations) };
}

function renameKey(value: unknown, path: RewritePath, renameKeyTo: string, relations: TypeRelations): void {
  if (Array.isArray(value)) {
    for (const item of value) renameKey(item, path, renameKeyTo, relations);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as ResponseObject;
  const [step, ...rest] = path;
  if (!step) return;
  if ('TypenameEquals' in step) {
    const typeName = record.__typename;
    if (typeof typeName === 'string' && !relations.satisfiesAny(typeName, step.TypenameEquals)) return;
    renameKey(value, rest, renameKeyTo, relations);
    return;
  }
  if (rest.length === 0) {
    if (step.Key in record) {
      record[renameKeyTo] = record[step.Key];
      delete record[step.Key];
    }
    return;
  }
  renameKey(record[step.Key], rest, renameKeyTo, relations);
}
