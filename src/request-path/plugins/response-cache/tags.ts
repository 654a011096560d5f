import type { ResponseEntities } from './entity-markers.js';

/**
 * What a cached answer is indexed under: every type it holds (`type:Product`), every entity by
 * key (`entity:Product:{"upc":"1"}`), and the entity types of objects it holds whose key it
 * doesn't know (`unkeyed:Product`), which an invalidation of any Product reaches.
 */
export const typeTag = (typeName: string) => `type:${typeName}`;
export const entityTag = (typeName: string, canonicalKey: string) => `entity:${typeName}:${canonicalKey}`;
export const unkeyedTag = (typeName: string) => `unkeyed:${typeName}`;

/** The tags of an answer: the types its document selects and what its data holds. */
export function answerTags(staticTypes: Iterable<string>, held: ResponseEntities): string[] {
  const tags = new Set<string>();
  for (const typeName of staticTypes) tags.add(typeTag(typeName));
  for (const typeName of held.typeNames) tags.add(typeTag(typeName));
  for (const [typeName, keys] of held.entities) for (const key of keys) tags.add(entityTag(typeName, key));
  for (const typeName of held.unkeyed) tags.add(unkeyedTag(typeName));
  return [...tags];
}

/** The tags an invalidation of one entity removes: its own, and its type's objects without a known key. */
export const entityInvalidationTags = (typeName: string, canonicalKeys: Iterable<string>) => [
  ...[...canonicalKeys].map((key) => entityTag(typeName, key)),
  unkeyedTag(typeName),
];
