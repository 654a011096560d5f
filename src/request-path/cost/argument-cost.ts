import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  type FieldNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type ValueNode,
} from 'graphql';
import type { CostAnnotations } from './cost-directives.js';
import { sum, type Cost } from './cost-terms.js';

type InputDefinition = GraphQLArgument | GraphQLInputField;

/** What scoring an argument needs from the operation being priced. */
export interface ArgumentScoring {
  annotations: CostAnnotations;
  /** Operation variable defaults, used when a request leaves the variable out. */
  variableDefaults: ReadonlyMap<string, unknown>;
}

/**
 * Argument costs as Apollo scores them: the `@cost` of each argument or
 * input field passed (0 without one), input objects at least 1, lists the sum
 * of their items. Literals are scored once; variables per request.
 */
export function argumentsCost(scoring: ArgumentScoring, field: GraphQLField<unknown, unknown>, node: FieldNode): Cost {
  const costs: Cost[] = [];
  for (const arg of node.arguments ?? []) {
    const definition = field.args.find((candidate) => candidate.name === arg.name.value);
    if (definition) costs.push(literalCost(scoring, arg.value, definition));
  }
  return sum(costs);
}

function literalCost(scoring: ArgumentScoring, value: ValueNode, definition: InputDefinition): Cost {
  const weight = scoring.annotations.weightOf(definition);
  const namedType = getNamedType(definition.type);
  switch (value.kind) {
    case Kind.NULL:
      return 0;
    case Kind.VARIABLE: {
      const name = value.name.value;
      const fallback = scoring.variableDefaults.get(name);
      return (scope) => variableCost(scoring, scope.variables[name] === undefined ? fallback : scope.variables[name], definition);
    }
    case Kind.LIST:
      return sum([weight ?? 0, ...value.values.map((item) => literalCost(scoring, item, definition))]);
    case Kind.OBJECT: {
      if (!isInputObjectType(namedType)) return weight ?? 0;
      const fields = namedType.getFields();
      return sum([
        weight ?? 1,
        ...value.fields.map((entry) => {
          const inner = fields[entry.name.value];
          return inner ? literalCost(scoring, entry.value, inner) : 0;
        }),
      ]);
    }
    default:
      return weight ?? 0;
  }
}

/** The same scoring for a variable's JSON value, following the declared type (never deeper than it). */
function variableCost(scoring: ArgumentScoring, value: unknown, definition: InputDefinition, type: GraphQLInputType = definition.type): number {
  if (value === null || value === undefined) return 0;
  const weight = scoring.annotations.weightOf(definition);
  const nullable = isNonNullType(type) ? type.ofType : type;
  if (isListType(nullable)) {
    // A single value where a list is declared is coerced to a list of one.
    const items = Array.isArray(value) ? value : [value];
    let total = weight ?? 0;
    for (const item of items) total += variableCost(scoring, item, definition, nullable.ofType);
    return total;
  }
  if (isInputObjectType(nullable) && typeof value === 'object' && !Array.isArray(value)) {
    const fields = nullable.getFields();
    let total = weight ?? 1;
    for (const [key, inner] of Object.entries(value)) {
      const field = fields[key];
      if (field) total += variableCost(scoring, inner, field);
    }
    return total;
  }
  return weight ?? 0;
}
