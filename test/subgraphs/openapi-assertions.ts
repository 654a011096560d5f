// Checks for the example OpenAPI documents. No OpenAPI validator is a dependency, so this covers
// the structure a gateway relies on, plus a validator for the JSON Schema subset the documents use.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const httpMethods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

export interface Operation {
  path: string;
  method: string;
  operation: { [key: string]: Json };
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every operation in `paths`, with its path and method. */
export function operationsOf(document: { [key: string]: Json }): Operation[] {
  const paths = document.paths;
  if (!isObject(paths)) return [];
  return Object.entries(paths).flatMap(([path, item]) =>
    isObject(item)
      ? Object.entries(item).flatMap(([method, operation]) =>
          httpMethods.has(method) && isObject(operation) ? [{ path, method, operation }] : [],
        )
      : [],
  );
}

function escapePointerKey(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Every `$ref` value in the document, with the JSON pointer of the object holding it. */
export function refsOf(value: Json, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => refsOf(item, `${at}/${index}`));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string' ? [{ at, ref: child }] : refsOf(child, `${at}/${escapePointerKey(key)}`),
  );
}

/** Resolves a local JSON pointer (`#/components/schemas/X`), or `undefined` if nothing is there. */
export function resolvePointer(document: Json, pointer: string): Json | undefined {
  if (!pointer.startsWith('#/')) return undefined;
  let current: Json | undefined = document;
  for (const raw of pointer.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    current = isObject(current) ? current[key] : Array.isArray(current) ? current[Number(key)] : undefined;
    if (current === undefined) return undefined;
  }
  return current;
}

/** Follows `$ref`s until a non-reference object. */
export function deref(document: Json, value: Json | undefined): Json | undefined {
  let current = value;
  while (isObject(current) && typeof current.$ref === 'string') current = resolvePointer(document, current.$ref);
  return current;
}

/**
 * Problems found validating `value` against an OpenAPI 3.0 schema object, as `path: message`.
 * Supports what the example documents use: $ref, allOf, nullable, type, enum, required,
 * properties, additionalProperties: false, items, minItems/maxItems, minimum/maximum, minLength.
 */
export function validateAgainst(document: Json, schema: Json | undefined, value: Json, path = '$'): string[] {
  const resolved = deref(document, schema);
  if (!isObject(resolved)) return [`${path}: schema ${JSON.stringify(schema)} does not resolve`];
  if (value === null) return resolved.nullable === true ? [] : [`${path}: null but not nullable`];
  const problems: string[] = [];
  if (Array.isArray(resolved.allOf)) {
    for (const part of resolved.allOf) problems.push(...validateAgainst(document, part, value, path));
  }
  if (Array.isArray(resolved.enum) && !resolved.enum.includes(value)) {
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(resolved.enum)}`);
  }
  switch (resolved.type) {
    case 'object': {
      if (!isObject(value)) return [...problems, `${path}: expected an object`];
      const properties = isObject(resolved.properties) ? resolved.properties : {};
      for (const name of Array.isArray(resolved.required) ? resolved.required : []) {
        if (typeof name === 'string' && !(name in value)) problems.push(`${path}: missing required ${name}`);
      }
      for (const [name, child] of Object.entries(value)) {
        if (name in properties) problems.push(...validateAgainst(document, properties[name], child, `${path}.${name}`));
        else if (resolved.additionalProperties === false) problems.push(`${path}: unexpected property ${name}`);
      }
      break;
    }
    case 'array': {
      if (!Array.isArray(value)) return [...problems, `${path}: expected an array`];
      if (typeof resolved.minItems === 'number' && value.length < resolved.minItems) problems.push(`${path}: too few items`);
      if (typeof resolved.maxItems === 'number' && value.length > resolved.maxItems) problems.push(`${path}: too many items`);
      value.forEach((item, index) => problems.push(...validateAgainst(document, resolved.items, item, `${path}[${index}]`)));
      break;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || (resolved.type === 'integer' && !Number.isInteger(value))) {
        return [...problems, `${path}: expected ${resolved.type}, got ${JSON.stringify(value)}`];
      }
      if (typeof resolved.minimum === 'number' && value < resolved.minimum) problems.push(`${path}: below minimum`);
      if (typeof resolved.maximum === 'number' && value > resolved.maximum) problems.push(`${path}: above maximum`);
      break;
    }
    case 'string': {
      if (typeof value !== 'string') return [...problems, `${path}: expected a string`];
      if (typeof resolved.minLength === 'number' && value.length < resolved.minLength) problems.push(`${path}: too short`);
      break;
    }
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${path}: expected a boolean`);
      break;
  }
  return problems;
}
