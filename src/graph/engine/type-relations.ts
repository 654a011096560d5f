import { Kind, type DocumentNode } from 'graphql';

/**
 * Which object types each interface and union of the supergraph covers, including types the API
 * schema hides (`@inaccessible`): query plans select and match on them too.
 */
export class TypeRelations {
  readonly #members = new Map<string, Set<string>>();

  constructor(supergraph: DocumentNode) {
    for (const definition of supergraph.definitions) {
      switch (definition.kind) {
        case Kind.OBJECT_TYPE_DEFINITION:
        case Kind.OBJECT_TYPE_EXTENSION:
        case Kind.INTERFACE_TYPE_DEFINITION:
        case Kind.INTERFACE_TYPE_EXTENSION:
          for (const implemented of definition.interfaces ?? []) this.#add(implemented.name.value, definition.name.value);
          break;
        case Kind.UNION_TYPE_DEFINITION:
        case Kind.UNION_TYPE_EXTENSION:
          for (const member of definition.types ?? []) this.#add(definition.name.value, member.name.value);
          break;
      }
    }
    // An interface implementing another covers that one's implementations too.
    for (const [abstract, members] of this.#members) {
      for (const member of [...members]) for (const nested of this.#members.get(member) ?? []) members.add(nested);
      this.#members.set(abstract, members);
    }
  }

  /** Whether an object of type `typeName` matches the type condition `condition`. */
  satisfies(typeName: string, condition: string): boolean {
    return typeName === condition || this.#members.get(condition)?.has(typeName) === true;
  }

  /** Whether it matches any of `conditions`. */
  satisfiesAny(typeName: string, conditions: readonly string[]): boolean {
    return conditions.some((condition) => this.satisfies(typeName, condition));
  }

  #add(abstract: string, member: string): void {
    let members = this.#members.get(abstract);
    if (!members) this.#members.set(abstract, (members = new Set()));
    members.add(member);
  }
}
