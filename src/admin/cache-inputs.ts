import { isCompositeType, print } from 'graphql';
import { z } from 'zod';
import { badUserInput } from '../errors.js';
import { canonicalKeysOf } from '../graph/entity-keys.js';
import type { Generation } from '../graph/generation.js';
import type { CachePolicyInput } from '../store/types.js';
import type { SetCachePolicyInput } from './__generated__/resolvers-types.js';
import { parseInput } from './inputs.js';

const NAME = '[_A-Za-z][_0-9A-Za-z]{0,127}';
const typeName = z.string().regex(new RegExp(`^${NAME}$`), 'is not a GraphQL type name');
const coordinate = z.string().regex(new RegExp(`^${NAME}(\\.${NAME})?$`), 'must be a type (`Product`) or a field (`Product.price`)');

const setCachePolicyInput = z.object({
  coordinate,
  // A year: longer is a policy nobody means, and Redis TTLs stay far from their limits.
  maxAge: z.number().int('must be an integer').min(0, 'must be at least 0').max(31_536_000, 'must be at most 31536000 (a year)'),
  scope: z.enum(['PUBLIC', 'PRIVATE']),
});

/**
 * A policy's input, checked: the coordinate must name a composite type or a field of the served
 * schema (when one is served: a policy may be set before its backend is registered, but a typo
 * against a served schema would silently do nothing).
 */
export function parseSetCachePolicyInput(input: SetCachePolicyInput, served: Generation | undefined): CachePolicyInput {
  const parsed = parseInput(setCachePolicyInput, input, 'input');
  if (served) checkCoordinate(parsed.coordinate, served, 'input.coordinate');
  return { coordinate: parsed.coordinate, maxAgeSeconds: parsed.maxAge, scope: parsed.scope };
}

export function parseCoordinate(value: unknown, field = 'coordinate'): string {
  return parseInput(coordinate, value, field);
}

function checkCoordinate(value: string, served: Generation, field: string): void {
  const [type, fieldName] = value.split('.');
  if (fieldName === undefined) {
    if (!isCompositeType(served.schema.getType(type!))) throw badUserInput(field, `the served schema has no object, interface or union type "${type}"`);
  } else if (!served.coordinates.has(value)) {
    throw badUserInput(field, `the served schema has no field "${value}"`);
  }
}

export type PurgeTarget = { scope: 'all' } | { scope: 'type'; typeName: string } | { scope: 'entity'; typeName: string; canonicalKeys: string[] };

/** What `purgeResponseCache(typeName, key)` removes: the key is read with the served schema's entity keys. */
export function parsePurgeTarget(args: { typeName?: string | null; key?: string | null }, served: Generation | undefined): PurgeTarget {
  if (args.typeName == null) {
    if (args.key != null) throw badUserInput('key', 'needs typeName: the type whose object the key names');
    return { scope: 'all' };
  }
  const name = parseInput(typeName, args.typeName, 'typeName');
  if (args.key == null) return { scope: 'type', typeName: name };
  const keys = served?.entityKeys.get(name);
  if (!keys?.length) throw badUserInput('typeName', `"${name}" is not an entity of the served schema (it has no @key): purge it by type`);
  const canonicalKeys = canonicalKeysOf(keys, args.key);
  if (!canonicalKeys.length) {
    const described = keys.map((key) => print(key.selections).replace(/\s+/g, ' ')).join(' or ');
    throw badUserInput('key', `does not name a "${name}" by its key ${described}: give the key's value, or a JSON object of its fields`);
  }
  return { scope: 'entity', typeName: name, canonicalKeys };
}
