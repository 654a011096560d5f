import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/** Shape of a document, fragments expanded at every spread, largest operation per measure. */
export interface DocumentMeasures {
  /**
   * Deepest field nesting: `{ a { b } }` is 2. An introspection field (`__schema`, `__type`)
   * counts as one level here; what is below it is measured by `introspectionDepth`.
   */
  depth: number;
  /**
   * Deepest nesting of an introspection selection, from the root: `{ __type(name: "A") { ofType { name } } }`
   * is 3. Tools ask for type references nine `ofType`s deep (GraphiQL's query is 15 levels), far
   * deeper than any operation on the data needs, so the two get limits of their own.
   */
  introspectionDepth: number;
  /** Aliased fields. */
  aliases: number;
  /** Directive applications (`@skip`, `@include`, `@defer`…). */
  directives: number;
  /** Fields of the widest selection set, counting those its fragments bring in. */
  fieldsPerSelection: number;
}

/** A selection set's own figures, as it contributes to its parent. */
interface SetMeasures extends DocumentMeasures {
  /** Fields this set adds to the selection set it is spread into. */
  fields: number;
}

const EMPTY: SetMeasures = { depth: 0, introspectionDepth: 0, aliases: 0, directives: 0, fieldsPerSelection: 0, fields: 0 };

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

const measured = new WeakMap<DocumentNode, DocumentMeasures>();

/**
 * Measures a parsed document without a schema, so it can run before
 * validation: an alias or fragment bomb is refused before the validator
 * (whose overlap check is quadratic) sees it. Each fragment is measured once
 * and reused at every spread, so the walk is linear in the document even when
 * the expansion is exponential. Memoised on the document: the parser cache
 * hands back the same object for the same text.
 */
export function measureDocument(document: DocumentNode): DocumentMeasures {
  let measures = measured.get(document);
  if (measures) return measures;

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentMeasures = new Map<string, SetMeasures>();
  const inProgress = new Set<string>();

  function fragment(name: string): SetMeasures {
    const known = fragmentMeasures.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    // Unknown or cyclic spreads are left to validation; they add nothing here.
    if (!definition || inProgress.has(name)) return EMPTY;
    inProgress.add(name);
    const own = selectionSet(definition.selectionSet);
    inProgress.delete(name);
    const result = { ...own, directives: own.directives + (definition.directives?.length ?? 0) };
    fragmentMeasures.set(name, result);
    return result;
  }

  function selectionSet(set: SelectionSetNode): SetMeasures {
    const total: SetMeasures = { ...EMPTY };
    for (const selection of set.selections) {
      total.directives += selection.directives?.length ?? 0;
      let inner: SetMeasures;
      if (selection.kind === Kind.FIELD) {
        const sub = selection.selectionSet ? selectionSet(selection.selectionSet) : EMPTY;
        total.fields += 1;
        if (INTROSPECTION_FIELDS.has(selection.name.value)) {
          total.depth = Math.max(total.depth, 1);
          total.introspectionDepth = Math.max(total.introspectionDepth, 1 + Math.max(sub.depth, sub.introspectionDepth));
        } else {
          total.depth = Math.max(total.depth, 1 + sub.depth);
          if (sub.introspectionDepth) total.introspectionDepth = Math.max(total.introspectionDepth, 1 + sub.introspectionDepth);
        }
        total.aliases += (selection.alias ? 1 : 0) + sub.aliases;
        total.directives += sub.directives;
        total.fieldsPerSelection = Math.max(total.fieldsPerSelection, sub.fieldsPerSelection);
        continue;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = selectionSet(selection.selectionSet);
      } else {
        inner = fragment(selection.name.value);
      }
      // A fragment's fields join this selection set: depth stays, widths add up.
      total.fields += inner.fields;
      total.depth = Math.max(total.depth, inner.depth);
      total.introspectionDepth = Math.max(total.introspectionDepth, inner.introspectionDepth);
      total.aliases += inner.aliases;
      total.directives += inner.directives;
      total.fieldsPerSelection = Math.max(total.fieldsPerSelection, inner.fieldsPerSelection);
    }
    total.fieldsPerSelection = Math.max(total.fieldsPerSelection, total.fields);
    return total;
  }

  measures = { depth: 0, introspectionDepth: 0, aliases: 0, directives: 0, fieldsPerSelection: 0 };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const operation = selectionSet(definition.selectionSet);
    const operationDirectives =
      (definition.directives?.length ?? 0) + (definition.variableDefinitions ?? []).reduce((n, v) => n + (v.directives?.length ?? 0), 0);
    measures.depth = Math.max(measures.depth, operation.depth);
    measures.introspectionDepth = Math.max(measures.introspectionDepth, operation.introspectionDepth);
    measures.aliases = Math.max(measures.aliases, operation.aliases);
    measures.directives = Math.max(measures.directives, operation.directives + operationDirectives);
    measures.fieldsPerSelection = Math.max(measures.fieldsPerSelection, operation.fieldsPerSelection);
  }
  measured.set(document, measures);
  return measures;
}
