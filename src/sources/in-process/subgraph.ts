import {
  execute,
  extendSchema,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  printSchema,
  visit,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import type { Subgraph, SubgraphExecutor } from '../types.js';

/**
 * What Gatehouse runs in-process for a backend that is not a federation subgraph (a REST or plain
 * GraphQL service): its schema, with resolvers calling the backend, served as a Federation 2
 * subgraph so that one composition checks the whole graph and one planner plans every query.
 * Types it extends or shares with other backends are entities here, as `_entities` resolves them.
 */
export interface InProcessSubgraphOptions {
  name: string;
  /** The backend's own URL: shown in the supergraph, never called by the planner. */
  url: string;
  /** Executable schema of the backend's own (prefixed) types. */
  schema: GraphQLSchema;
  entities: readonly EntityType[];
}

export interface EntityType {
  typeName: string;
  /** The `@key` fields (simple fields only). */
  key: readonly string[];
  /**
   * Whether this subgraph resolves the type from a representation. `false` only declares that it
   * can hand objects of the type over by that key (to a backend that extends them).
   */
  resolvable: boolean;
  /** Fields this subgraph adds to the type; a type absent from `schema` gets its key fields here too. */
  addedFields?: readonly AddedField[];
  /** Fields of the type in `schema` to leave out of the subgraph's SDL (another backend owns them). */
  omittedFields?: ReadonlySet<string>;
  /** The object the type's fields resolve on, from a representation (`{ __typename, ...key, ...required }`). */
  resolveReference?(representation: Representation, context: InProcessContext, info: GraphQLResolveInfo): unknown;
}

export interface AddedField {
  name: string;
  /** SDL type, e.g. `PricingPrice` or `String!`. */
  type: string;
  /** Given by the type's owner: sent to us in representations, not resolved here. */
  external?: boolean;
  /** Fields (external ones) the resolver needs in the representation. */
  requires?: readonly string[];
  resolve?: GraphQLFieldResolver<Representation, InProcessContext>;
}

export type Representation = Record<string, unknown> & { __typename: string };

/**
 * The context of one execution of the subgraph (one fetch of a query plan): per-fetch state such
 * as DataLoaders, so calls are de-duplicated within a fetch and nothing is shared between requests.
 */
export interface InProcessContext {
  /** The gateway's context of the request this fetch belongs to. */
  readonly gateway: unknown;
  readonly loaders: Map<unknown, unknown>;
}

/** The per-fetch value under `key`, created on first use. */
export function perFetch<T>(context: InProcessContext, key: unknown, create: () => T): T {
  let value = context.loaders.get(key) as T | undefined;
  if (value === undefined) {
    value = create();
    context.loaders.set(key, value);
  }
  return value;
}

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])';

export function buildInProcessSubgraph({ name, url, schema, entities }: InProcessSubgraphOptions): Subgraph {
  const typeDefs = subgraphTypeDefs(schema, entities);
  const executable = executableSchema(schema, entities);
  const executor: SubgraphExecutor = async (request) =>
    execute({
      schema: executable,
      document: request.document,
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue: { gateway: request.context, loaders: new Map() } satisfies InProcessContext,
    });
  return { name, url, typeDefs, executor };
}

/** The SDL composition sees: the backend's own types, `@key`s on its entities, and the fields it adds. */
function subgraphTypeDefs(schema: GraphQLSchema, entities: readonly EntityType[]): DocumentNode {
  const byType = new Map(entities.map((entity) => [entity.typeName, entity]));
  const own = visit(parse(printSchema(schema)), {
    ObjectTypeDefinition(node) {
      const entity = byType.get(node.name.value);
      if (!entity) return undefined;
      const fields = (node.fields ?? []).filter((field) => !entity.omittedFields?.has(field.name.value));
      return {
        ...node,
        directives: [...(node.directives ?? []), keyDirective(entity)],
        fields: [...fields, ...(entity.addedFields ?? []).map(fieldDefinition)],
      } satisfies ObjectTypeDefinitionNode;
    },
  });
  const defined = new Set(own.definitions.flatMap((definition) => ('name' in definition && definition.name ? [definition.name.value] : [])));
  const stubs: DefinitionNode[] = entities
    .filter((entity) => !defined.has(entity.typeName))
    .map((entity) => ({
      kind: Kind.OBJECT_TYPE_DEFINITION,
      name: { kind: Kind.NAME, value: entity.typeName },
      directives: [keyDirective(entity)],
      fields: (entity.addedFields ?? []).map(fieldDefinition),
    }));
  return { kind: Kind.DOCUMENT, definitions: [...parse(FEDERATION_LINK).definitions, ...own.definitions, ...stubs] };
}

function keyDirective(entity: EntityType): ConstDirectiveNode {
  const args = [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'fields' }, value: { kind: Kind.STRING, value: entity.key.join(' ') } } as const];
  if (!entity.resolvable) {
    args.push({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'resolvable' }, value: { kind: Kind.BOOLEAN, value: false } } as never);
  }
  return { kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: 'key' }, arguments: args };
}

function fieldDefinition(field: AddedField): FieldDefinitionNode {
  const directives: ConstDirectiveNode[] = [];
  if (field.external) directives.push({ kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: 'external' } });
  if (field.requires?.length) {
    directives.push({
      kind: Kind.DIRECTIVE,
      name: { kind: Kind.NAME, value: 'requires' },
      arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'fields' }, value: { kind: Kind.STRING, value: field.requires.join(' ') } }],
    });
  }
  const parsed = parse(`type X { ${field.name}: ${field.type} }`).definitions[0] as ObjectTypeDefinitionNode;
  return { ...parsed.fields![0]!, directives };
}

/** The backend's schema plus `_entities` and the added fields, with their resolvers. */
function executableSchema(schema: GraphQLSchema, entities: readonly EntityType[]): GraphQLSchema {
  const resolvable = entities.filter((entity) => entity.resolvable && entity.resolveReference);
  const withFields = entities.filter((entity) => entity.addedFields?.length);
  if (resolvable.length === 0 && withFields.length === 0) return schema;

  const sdl: string[] = [];
  for (const entity of withFields) {
    const fields = entity.addedFields!.map((field) => `${field.name}: ${field.type}`).join('\n');
    sdl.push(`${schema.getType(entity.typeName) ? 'extend type' : 'type'} ${entity.typeName} {\n${fields}\n}`);
  }
  if (resolvable.length) {
    sdl.push('scalar _Any', `union _Entity = ${resolvable.map((entity) => entity.typeName).join(' | ')}`);
    sdl.push('extend type Query { _entities(representations: [_Any!]!): [_Entity]! }');
  }
  const extended = extendSchema(schema, parse(sdl.join('\n')), { assumeValidSDL: true });

  for (const entity of withFields) {
    const type = extended.getType(entity.typeName);
    if (!isObjectType(type)) continue;
    const fields = type.getFields();
    for (const added of entity.addedFields!) {
      if (added.resolve) fields[added.name]!.resolve = added.resolve as GraphQLFieldResolver<unknown, unknown>;
    }
  }
  if (resolvable.length) {
    const byType = new Map(resolvable.map((entity) => [entity.typeName, entity]));
    extended.getQueryType()!.getFields()._entities!.resolve = (_root, args: { representations: Representation[] }, context: InProcessContext, info) =>
      args.representations.map((representation) => byType.get(representation.__typename)?.resolveReference!(representation, context, info) ?? null);
    const union = extended.getType('_Entity');
    if (isUnionType(union)) union.resolveType = (value: { __typename?: string }) => value.__typename;
  }
  return extended;
}
