import {
  getNamedType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  OperationTypeNode,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { invalidOperation } from '../../errors.js';
import { argumentsCost, type ArgumentScoring } from './argument-cost.js';
import { DEFAULT_COST_DIRECTIVE_NAMES, readCostAnnotations, type CostAnnotations, type CostDirectiveNames, type ListSize } from './cost-directives.js';
import { orElse, product, sum, valueIn, when, type Condition, type Cost, type Scope, type Size, type Variables } from './cost-terms.js';

export type { Variables } from './cost-terms.js';

/** The static cost of one operation, given its variables. */
export type CostFunction = (variables?: Variables | null) => number;

export interface CostCalculatorOptions {
  /** Size assumed for a list without a slicing argument value or `@listSize(assumedSize:)`. */
  defaultListSize: number;
  /** Names of `@cost` / `@listSize` in a schema. @default `cost`, `listSize` */
  directiveNames?: (schema: GraphQLSchema) => CostDirectiveNames;
}

/** Apollo's base cost of a mutation: it writes, so it is never free. */
const MUTATION_BASE_COST = 10;

/**
 * Static cost as the IBM cost spec, Apollo Router and Hive Gateway define it:
 * composite types weigh 1 and leaves 0 unless `@cost` says otherwise (on the
 * field first, then on its type); a list multiplies its selection by its
 * expected size; arguments add their `@cost`; a mutation starts at 10.
 *
 * The walk over the document happens once per (schema, operation of a document)
 * and yields a function of the variables, folded to a constant wherever no
 * variable matters, so a request pays for the walk only the first time.
 */
export function createCostCalculator({
  defaultListSize,
  directiveNames = () => DEFAULT_COST_DIRECTIVE_NAMES,
}: CostCalculatorOptions): (schema: GraphQLSchema, document: DocumentNode, operationName?: string | null) => CostFunction {
  const bySchema = new WeakMap<GraphQLSchema, { annotations: CostAnnotations; byOperation: WeakMap<OperationDefinitionNode, CostFunction> }>();
  const free: CostFunction = () => 0;

  return function costOf(schema, document, operationName) {
    // Keyed on the operation node, not the requested name: unknown names (execution refuses them)
    // must not grow a cache.
    const operation = getOperationAST(document, operationName);
    if (!operation) return free;
    let perSchema = bySchema.get(schema);
    if (!perSchema) {
      perSchema = { annotations: readCostAnnotations(schema, directiveNames(schema)), byOperation: new WeakMap() };
      bySchema.set(schema, perSchema);
    }
    let cost = perSchema.byOperation.get(operation);
    if (!cost) {
      const compiled = compileOperation(schema, perSchema.annotations, document, operation, defaultListSize);
      cost = typeof compiled === 'number' ? () => compiled : (variables) => compiled({ variables: variables ?? {}, memo: new Map() });
      perSchema.byOperation.set(operation, cost);
    }
    return cost;
  };
}

// ─── The walk ───────────────────────────────────────────────────────────────────────────────

/** Fields named in a parent's `@listSize(sizedFields:)` take the parent's expected size. */
interface SizedFields {
  names: ReadonlySet<string>;
  size: Size;
}

interface Compilation extends ArgumentScoring {
  schema: GraphQLSchema;
  defaultListSize: number;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** Each fragment is compiled once per sizing context, so nested spreads can't blow up the walk. */
  fragmentCosts: Map<string, Map<SizedFields | undefined, Cost>>;
  inProgress: Set<string>;
}

function compileOperation(
  schema: GraphQLSchema,
  annotations: CostAnnotations,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  defaultListSize: number,
): Cost {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const variableDefaults = new Map<string, unknown>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variableDefaults.set(definition.variable.name.value, valueFromASTUntyped(definition.defaultValue));
  }
  const compilation: Compilation = {
    schema,
    annotations,
    defaultListSize,
    fragments,
    variableDefaults,
    fragmentCosts: new Map(),
    inProgress: new Set(),
  };
  const base = operation.operation === OperationTypeNode.MUTATION ? MUTATION_BASE_COST : 0;
  return sum([base, selectionSetCost(compilation, operation.selectionSet, rootType, undefined)]);
}

function selectionSetCost(c: Compilation, selectionSet: SelectionSetNode, parentType: GraphQLNamedType, sized: SizedFields | undefined): Cost {
  const costs: Cost[] = [];
  for (const selection of selectionSet.selections) {
    const included = inclusion(c, selection.directives);
    if (included === false) continue;
    switch (selection.kind) {
      case Kind.FIELD:
        costs.push(when(included, fieldCost(c, selection, parentType, sized)));
        break;
      case Kind.INLINE_FRAGMENT: {
        const typeCondition = selection.typeCondition ? c.schema.getType(selection.typeCondition.name.value) : parentType;
        // Every type condition counts, as in Apollo: an upper bound when only one can match.
        if (typeCondition) costs.push(when(included, selectionSetCost(c, selection.selectionSet, typeCondition, sized)));
        break;
      }
      case Kind.FRAGMENT_SPREAD:
        costs.push(when(included, fragmentCost(c, selection.name.value, sized)));
        break;
    }
  }
  return sum(costs);
}

function fragmentCost(c: Compilation, name: string, sized: SizedFields | undefined): Cost {
  const fragment = c.fragments.get(name);
  // Unknown or cyclic spreads fail validation, which runs before any cost is asked for.
  if (!fragment || c.inProgress.has(name)) return 0;
  let bySizing = c.fragmentCosts.get(name);
  if (!bySizing) c.fragmentCosts.set(name, (bySizing = new Map()));
  const known = bySizing.get(sized);
  if (known !== undefined) return known;

  const typeCondition = c.schema.getType(fragment.typeCondition.name.value);
  c.inProgress.add(name);
  const compiled = typeCondition ? selectionSetCost(c, fragment.selectionSet, typeCondition, sized) : 0;
  c.inProgress.delete(name);
  let cost: Cost = compiled;
  if (typeof compiled === 'function') {
    // Evaluated once per call however often it is spread (`...A ...A` inside `...B ...B`…).
    const key = {};
    cost = (scope) => {
      let value = scope.memo.get(key);
      if (value === undefined) scope.memo.set(key, (value = compiled(scope)));
      return value;
    };
  }
  bySizing.set(sized, cost);
  return cost;
}

function fieldCost(c: Compilation, node: FieldNode, parentType: GraphQLNamedType, sized: SizedFields | undefined): Cost {
  const name = node.name.value;
  // `__typename` is free; `__schema`/`__type` are governed by the plan's introspection switch, not by cost.
  if (name.startsWith('__')) return 0;
  if (!isObjectType(parentType) && !isInterfaceType(parentType)) return 0;
  const field = parentType.getFields()[name];
  if (!field) return 0;

  const namedType = getNamedType(field.type);
  const weight = c.annotations.weightOf(field) ?? c.annotations.weightOf(namedType) ?? (isCompositeType(namedType) ? 1 : 0);
  const listSize = c.annotations.listSizeOf(field);
  const expected = listSize ? expectedSize(c, listSize, field, node) : null;
  const childSized = listSize?.sizedFields.length ? { names: new Set(listSize.sizedFields), size: expected } : undefined;
  const selection = node.selectionSet ? selectionSetCost(c, node.selectionSet, namedType, childSized) : 0;

  const dimensions = listDimensions(field.type);
  let instances: Cost = 1;
  if (dimensions > 0) {
    const fromParent = sized?.names.has(name) ? sized.size : null;
    const outer = orElse(fromParent, orElse(expected, c.defaultListSize));
    // `@listSize` and slicing arguments size the outer list; each inner dimension of `[[T]]` gets the default.
    instances = product(outer, c.defaultListSize ** (dimensions - 1));
  }
  // Slicing arguments are checked (one of them, when required) even where no list uses the size.
  const slicingCheck: Cost = typeof expected === 'function' ? (scope) => (expected(scope), 0) : 0;
  return sum([product(instances, sum([weight, selection])), argumentsCost(c, field, node), slicingCheck]);
}

function listDimensions(type: GraphQLOutputType): number {
  let dimensions = 0;
  for (let t = type; isListType(t) || isNonNullType(t); t = t.ofType as GraphQLOutputType) {
    if (isListType(t)) dimensions++;
  }
  return dimensions;
}

/**
 * The size a `@listSize` promises for this use of the field: the largest
 * slicing argument given (literal or variable), else the arguments' schema
 * defaults, else `assumedSize`; null when none of them says.
 */
function expectedSize(c: Compilation, listSize: ListSize, field: GraphQLField<unknown, unknown>, node: FieldNode): Size {
  if (listSize.slicingArguments.length === 0) return listSize.assumedSize;
  const given = (node.arguments ?? [])
    .filter((arg) => listSize.slicingArguments.includes(arg.name.value))
    .map((arg) => numberIn(c, arg.value));
  const defaults = field.args
    .filter((arg) => listSize.slicingArguments.includes(arg.name) && typeof arg.defaultValue === 'number')
    .map((arg) => Math.max(0, arg.defaultValue as number));

  const decide = (values: Array<number | null>): number | null => {
    const present = values.filter((value): value is number => value !== null);
    if (listSize.requireOneSlicingArgument && present.length > 1) {
      throw invalidOperation(
        `Field "${field.name}" takes exactly one of its slicing arguments (${listSize.slicingArguments.join(', ')}), but got ${present.length}.`,
      );
    }
    if (present.length > 0) return Math.max(...present);
    return defaults.length > 0 ? Math.max(...defaults) : listSize.assumedSize;
  };
  if (given.every((value) => typeof value !== 'function')) return decide(given as Array<number | null>);
  return (scope) => decide(given.map((value) => valueIn(value, scope)));
}

/** A non-negative integer argument value; variables are read from the request, then their operation default. */
function numberIn(c: Compilation, value: ValueNode): number | null | ((scope: Scope) => number | null) {
  if (value.kind === Kind.INT) return Math.max(0, Number.parseInt(value.value, 10));
  if (value.kind !== Kind.VARIABLE) return null;
  const name = value.name.value;
  const fallback = c.variableDefaults.get(name);
  return (scope) => {
    const given = scope.variables[name] === undefined ? fallback : scope.variables[name];
    return typeof given === 'number' && Number.isFinite(given) ? Math.max(0, given) : null;
  };
}

/** `@skip` / `@include`: a constant when written as a literal, else decided per request. */
function inclusion(c: Compilation, directives: readonly DirectiveNode[] | undefined): Condition {
  const conditions: Array<(scope: Scope) => boolean> = [];
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const value = directive.arguments?.find((arg) => arg.name.value === 'if')?.value;
    const includeWhen = name === 'include';
    if (value?.kind === Kind.BOOLEAN) {
      if (value.value !== includeWhen) return false;
    } else if (value?.kind === Kind.VARIABLE) {
      const variable = value.name.value;
      const fallback = c.variableDefaults.get(variable);
      conditions.push((scope) => ((scope.variables[variable] ?? fallback) === true) === includeWhen);
    }
  }
  if (conditions.length === 0) return true;
  return (scope) => conditions.every((condition) => condition(scope));
}
