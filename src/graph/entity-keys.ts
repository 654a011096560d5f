import { Kind, type SelectionSetNode } from 'graphql';
import type { EntityKey } from './supergraph-facts.js';

/**
 * The canonical text of one entity's key: the key's fields in the key's order, leaves as strings
 * (`{"upc":"1"}`, `{"id":"7","organization":{"id":"3"}}`), so `1` and `"1"` name the same object.
 * Undefined when a key field is missing or null: the object can't be named by that key.
 */
export function canonicalEntityKey(key: EntityKey, value: unknown): string | undefined {
  const projected = project(key.selections, value);
  return projected === undefined ? undefined : JSON.stringify(projected);
}

function project(selections: SelectionSetNode, value: unknown): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const selection of selections.selections) {
    if (selection.kind !== Kind.FIELD) return undefined;
    const name = selection.name.value;
    const field = source[name];
    if (selection.selectionSet) {
      const nested = project(selection.selectionSet, field);
      if (nested === undefined) return undefined;
      result[name] = nested;
    } else if (typeof field === 'string' || typeof field === 'number' || typeof field === 'boolean') {
      result[name] = String(field);
    } else {
      return undefined;
    }
  }
  return result;
}

/**
 * The canonical keys an admin's `key` names: a key of one field takes its value as is
 * (`purgeResponseCache(typeName: "Product", key: "1")`), any key takes a JSON object of its fields.
 * One text may name an object under several keys (`@key(fields: "id") @key(fields: "sku")`).
 */
export function canonicalKeysOf(keys: readonly EntityKey[], text: string): string[] {
  let parsed: unknown;
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      // Not JSON after all: a one-field key's value that happens to start with a brace.
      parsed = undefined;
    }
  }
  const found = new Set<string>();
  for (const key of keys) {
    const fields = key.selections.selections;
    const single = fields.length === 1 && fields[0]!.kind === Kind.FIELD && !fields[0]!.selectionSet ? fields[0]!.name.value : undefined;
    // A JSON object is read as the key's fields, never as one field's value.
    const canonical = parsed !== undefined ? canonicalEntityKey(key, parsed) : single !== undefined ? canonicalEntityKey(key, { [single]: text }) : undefined;
    if (canonical !== undefined) found.add(canonical);
  }
  return [...found];
}
