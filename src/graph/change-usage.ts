import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isUnionType, type GraphQLSchema } from 'graphql';
import type { SchemaChange } from './diff.js';

/** Schema coordinates a change touches: an operation using one of them (or one starting with a prefix) is affected. */
export interface AffectedCoordinates {
  exact: string[];
  prefixes: string[];
}

/** Who used what a change touches within the usage window. */
export interface ChangeUsage {
  requests: number;
  /** Consumer names (API keys' owners), busiest first. */
  consumers: string[];
  operations: Array<{ name: string | null; documentHash: string; requests: number }>;
}

/** Reads usage for schema checks; undefined when usage is not recorded. */
export interface ChangeUsageLookup {
  /** Start of the window the lookup reads. */
  since(): Date;
  usageOf(coordinates: AffectedCoordinates): Promise<ChangeUsage>;
}

/**
 * The coordinates a change (graphql-inspector's `path`) touches, as usage records name them (see
 * `usage/operations.ts`), read against the schema served before it. Conservative: a change of an
 * argument counts every use of its field (a new required argument breaks calls without it), and a
 * change of an input type, enum or union counts every use of the type. Undefined when the path
 * names nothing records can show (a directive): such a change is never reported unused.
 */
export function coordinatesAffectedBy(change: Pick<SchemaChange, 'path'>, before: GraphQLSchema): AffectedCoordinates | undefined {
  if (!change.path) return undefined;
  const [typeName, fieldName] = change.path.split('.');
  if (!typeName || typeName.startsWith('@')) return undefined;
  const type = before.getType(typeName);
  // A type that did not exist before has no users yet.
  if (!type) return { exact: [], prefixes: [] };
  if (isObjectType(type) || isInterfaceType(type)) {
    if (fieldName === undefined) return { exact: [], prefixes: [`${typeName}.`] };
    return { exact: [`${typeName}.${fieldName}`], prefixes: [`${typeName}.${fieldName}.`] };
  }
  if (isInputObjectType(type) || isEnumType(type) || isUnionType(type)) return { exact: [typeName], prefixes: [`${typeName}.`] };
  // A scalar: records do not list the scalars fields return.
  return undefined;
}
