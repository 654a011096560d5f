import { Kind, visit, type DocumentNode, type FieldNode, type SelectionNode } from 'graphql';
import type { GuardedSelection, PathStep } from './guarded-selections.js';

/**
 * Added to every selection set a refused field is removed from: it keeps the selection set from
 * becoming empty, and tells which concrete type each object has, so a refusal under a fragment
 * is reported only on the objects the fragment applies to. Removed from the result again.
 */
export const TYPENAME_ALIAS = '__gatehouse_typename';

const TYPENAME_FIELD: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: TYPENAME_ALIAS },
  name: { kind: Kind.NAME, value: '__typename' },
};

/** A copy of `document` without the `refused` fields; the original (shared via the parser cache) is untouched. */
export function withoutFields(document: DocumentNode, refused: ReadonlySet<SelectionNode>): DocumentNode {
  return visit(document, {
    SelectionSet(node) {
      if (!node.selections.some((selection) => refused.has(selection))) return undefined;
      return { ...node, selections: [...node.selections.filter((selection) => !refused.has(selection)), TYPENAME_FIELD] };
    },
  });
}

type Data = Record<string, unknown>;

/**
 * Puts null where each refused field would have been (or on the nearest nullable position above
 * it, as GraphQL does for a non-null field) and removes the helper alias. Works on the execution
 * result of this request only, which nothing else holds. Returns the new `data`.
 */
export function redactResult(data: Data | null | undefined, reported: readonly GuardedSelection[], removed: readonly GuardedSelection[]): Data | null | undefined {
  if (!data) return data;
  let result: Data | null = data;
  for (const selection of reported) {
    if (result && nullOut(result, selection, 0)) result = null;
  }
  if (result) for (const selection of removed) forEachAt(result, selection.path.slice(0, selection.fieldStep), (object) => delete object[TYPENAME_ALIAS]);
  return result;
}

/** Returns true when the value at `step` must become null but can't hold it (non-null): the caller nulls its own slot. */
function nullOut(value: unknown, selection: GuardedSelection, step: number): boolean {
  const { key, nullable } = selection.path[step]!;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (value[i] == null) continue;
      if (nullOut(value[i], selection, step + 1)) {
        if (!nullable) return true;
        value[i] = null;
      }
    }
    return false;
  }
  if (typeof value !== 'object' || value === null) return false;
  const object = value as Data;
  if (step === selection.fieldStep) {
    // Another selection (a fragment on another type) may have filled this key legitimately.
    if (key in object) return false;
    const typename = object[TYPENAME_ALIAS];
    if (selection.runtimeTypes && !(typeof typename === 'string' && selection.runtimeTypes.has(typename))) return false;
    if (!nullable) return true;
    object[key] = null;
    return false;
  }
  const child = object[key];
  if (child == null) return false;
  if (nullOut(child, selection, step + 1)) {
    if (!nullable) return true;
    object[key] = null;
  }
  return false;
}

function forEachAt(value: unknown, path: readonly PathStep[], fn: (object: Data) => void): void {
  if (value == null) return;
  if (Array.isArray(value)) {
    for (const item of value) forEachAt(item, path.slice(1), fn);
    return;
  }
  if (typeof value !== 'object') return;
  if (path.length === 0) return fn(value as Data);
  forEachAt((value as Data)[path[0]!.key], path.slice(1), fn);
}
