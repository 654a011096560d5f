import { getDirectiveExtensions } from '@graphql-tools/utils';
import {
  getNamedType,
  isAbstractType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/**
 * What reading one field requires, from the Federation 2.5 security directives that composition
 * keeps in the supergraph (and stitching keeps on the served schema's AST nodes).
 */
export interface AccessRule {
  /** `@authenticated` somewhere on the field, its type or its parent type. */
  authenticated: boolean;
  /**
   * Every `@requiresScopes` that applies; each must hold. One is a list of alternatives (OR), each
   * alternative a list of scopes that must all be granted (AND), as in Apollo.
   */
  scopes: ReadonlyArray<ReadonlyArray<ReadonlyArray<string>>>;
  /** `Type.field`, for messages. */
  coordinate: string;
}

/** What the caller brings: a consumer (API key or JWT) is authenticated; only JWTs carry scopes. */
export interface Caller {
  authenticated: boolean;
  scopes: ReadonlySet<string>;
}

/** The reason `caller` may not read the field, or undefined if it may. */
export function refusal(rule: AccessRule, caller: Caller): string | undefined {
  if (rule.authenticated && !caller.authenticated) return `${rule.coordinate} requires an authenticated consumer.`;
  for (const alternatives of rule.scopes) {
    if (!alternatives.some((scopes) => scopes.every((scope) => caller.scopes.has(scope)))) {
      const wanted = alternatives.map((scopes) => scopes.join(' and ')).join(', or ');
      return `${rule.coordinate} requires the scope${alternatives.length === 1 && alternatives[0]!.length === 1 ? '' : 's'} ${wanted || '(none can satisfy it)'}.`;
    }
  }
  return undefined;
}

// Types are unique to one schema generation, so this is freed with it.
const rulesByType = new WeakMap<GraphQLCompositeType, Map<string, AccessRule | null>>();

/**
 * The rule of `parentType.fieldName`, or null when the field is open to all. The directives count
 * on the field, on the type it returns and on the type it belongs to; when that type is abstract,
 * also on every possible type and its field of that name (any of them could answer).
 */
export function accessRuleFor(schema: GraphQLSchema, parentType: GraphQLCompositeType, fieldName: string): AccessRule | null {
  let rules = rulesByType.get(parentType);
  if (!rules) rulesByType.set(parentType, (rules = new Map()));
  let rule = rules.get(fieldName);
  if (rule === undefined) {
    rule = buildRule(schema, parentType, fieldName);
    rules.set(fieldName, rule);
  }
  return rule;
}

type SecurityDirectives = { authenticated: Record<string, never>; requiresScopes: { scopes: string[][] } };

function buildRule(schema: GraphQLSchema, parentType: GraphQLCompositeType, fieldName: string): AccessRule | null {
  const holders: Array<GraphQLNamedType | GraphQLField<unknown, unknown>> = [parentType];
  const field = 'getFields' in parentType ? parentType.getFields()[fieldName] : undefined;
  if (field) holders.push(field, getNamedType(field.type));
  if (isAbstractType(parentType)) {
    for (const possible of schema.getPossibleTypes(parentType)) {
      const possibleField = possible.getFields()[fieldName];
      holders.push(possible);
      if (possibleField) holders.push(possibleField, getNamedType(possibleField.type));
    }
  }

  let authenticated = false;
  // Keyed by their JSON: an interface field and its implementations usually repeat one requirement.
  const scopes = new Map<string, string[][]>();
  for (const holder of holders) {
    const directives = getDirectiveExtensions<SecurityDirectives>(holder, schema);
    if (directives.authenticated?.length) authenticated = true;
    for (const { scopes: alternatives } of directives.requiresScopes ?? []) scopes.set(JSON.stringify(alternatives), alternatives);
  }
  if (!authenticated && scopes.size === 0) return null;
  return { authenticated, scopes: [...scopes.values()], coordinate: `${parentType.name}.${fieldName}` };
}
