import { batchDelegateToSchema } from '@graphql-tools/batch-delegate';
import { delegateToSchema, Subschema, type SubschemaConfig } from '@graphql-tools/delegate';
import type { IResolvers } from '@graphql-tools/utils';
import DataLoader from 'dataloader';
import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  OperationTypeNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import type { CompositionErrorDetail } from '../errors.js';
import type { BuiltSource } from '../sources/types.js';
import type { LinkDefinition } from '../store/types.js';

/** A link as declared by a backend, with the source that resolves it. */
export interface DeclaredLink {
  backend: string;
  source: BuiltSource;
  link: LinkDefinition;
}

export interface CompiledLinks {
  typeDefs: string;
  resolvers: IResolvers;
}

interface ResolvedTarget {
  subschema: SubschemaConfig;
  operation: OperationTypeNode;
  fieldName: string;
  /** GraphQL type of the link field: the target's type, nullable (a failed call nulls only it). */
  fieldType: string;
}

/**
 * Checks every link against the schemas being stitched and turns the valid ones into type
 * extensions and resolvers. Problems are returned, not thrown, so composition reports them all.
 */
export function compileLinks(
  links: readonly DeclaredLink[],
  allSubschemas: readonly SubschemaConfig[],
): { ok: true; compiled: CompiledLinks } | { ok: false; errors: CompositionErrorDetail[] } {
  const schemas = allSubschemas.map(transformedSchemaOf);
  const errors: CompositionErrorDetail[] = [];
  const extensions: string[] = [];
  const resolvers: Record<string, Record<string, unknown>> = {};
  const declared = new Set<string>();

  for (const declaredLink of links) {
    const { backend, link } = declaredLink;
    const fail = (message: string) => errors.push({ message: `Link ${link.type}.${link.field} of "${backend}": ${message}`, code: 'LINK_INVALID', backend });
    const coordinate = `${link.type}.${link.field}`;
    const parentTypes = schemas.map((schema) => schema.getType(link.type)).filter(isObjectType);
    if (parentTypes.length === 0) {
      fail(`type "${link.type}" does not exist in the graph (or is not an object type)`);
      continue;
    }
    if (declared.has(coordinate) || parentTypes.some((type) => type.getFields()[link.field])) {
      fail(`field "${link.field}" is already defined on "${link.type}"`);
      continue;
    }
    const parentFields = new Set(parentTypes.flatMap((type) => Object.keys(type.getFields())));
    const missing = Object.values(link.arguments).filter((from) => !parentFields.has(from));
    if (missing.length) {
      fail(`"${link.type}" has no field ${missing.map((name) => `"${name}"`).join(', ')} to take arguments from`);
      continue;
    }
    const target = resolveTarget(declaredLink, fail);
    if (!target) continue;
    declared.add(coordinate);
    extensions.push(`extend type ${link.type} { ${link.field}: ${target.fieldType} }`);
    (resolvers[link.type] ??= {})[link.field] = linkResolver(link, target);
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, compiled: { typeDefs: extensions.join('\n'), resolvers: resolvers as IResolvers } };
}

function transformedSchemaOf(config: SubschemaConfig): GraphQLSchema {
  return config instanceof Subschema ? config.transformedSchema : new Subschema(config).transformedSchema;
}

/** The root field the link calls, in the source's (prefixed) schema. */
function resolveTarget({ source, link }: DeclaredLink, fail: (message: string) => void): ResolvedTarget | undefined {
  const schema = transformedSchemaOf(source.subschema);
  if (link.operation !== undefined || link.batch !== undefined) {
    const operationId = link.batch?.operation ?? link.operation!;
    const operation = source.operations?.get(operationId);
    if (!operation) return void fail(`the backend has no operation "${operationId}"`);
    const field = rootField(schema, operation.rootType, operation.fieldName);
    if (!field) return void fail(`the backend has no operation "${operationId}"`);
    const unknownArguments = [...Object.keys(link.arguments), ...(link.batch ? [link.batch.argument] : [])].filter(
      (name) => !field.args.some((arg) => arg.name === name),
    );
    if (unknownArguments.length) return void fail(`operation "${operationId}" has no argument ${unknownArguments.map((n) => `"${n}"`).join(', ')}`);
    if (link.batch) {
      if (!isListType(getNullableType(field.type))) return void fail(`batch operation "${operationId}" does not return a list`);
      if (Object.keys(link.arguments).length !== 1 || link.arguments[link.batch.argument] === undefined) {
        return void fail(`a batch link takes exactly one argument, "${link.batch.argument}"`);
      }
    }
    const fieldType = link.batch ? getNamedType(field.type).name : String(getNullableType(field.type));
    return { subschema: source.subschema, operation: operation.rootType === 'Query' ? OperationTypeNode.QUERY : OperationTypeNode.MUTATION, fieldName: operation.fieldName, fieldType };
  }
  const queryType = schema.getQueryType();
  const field = link.rootField === undefined ? undefined : findRootField(schema, link.rootField, source.prefix);
  if (!queryType || !field) return void fail(`the backend has no root field "${link.rootField ?? ''}"`);
  const unknownArguments = Object.keys(link.arguments).filter((name) => !field.args.some((arg) => arg.name === name));
  if (unknownArguments.length) return void fail(`root field "${link.rootField}" has no argument ${unknownArguments.map((n) => `"${n}"`).join(', ')}`);
  return { subschema: source.subschema, operation: OperationTypeNode.QUERY, fieldName: field.name, fieldType: String(getNullableType(field.type)) };
}

function rootField(schema: GraphQLSchema, rootType: 'Query' | 'Mutation', fieldName: string): GraphQLField<unknown, unknown> | undefined {
  const type = rootType === 'Query' ? schema.getQueryType() : schema.getMutationType();
  return type?.getFields()[fieldName];
}

/** A GraphQL backend's root field by its own name, also when a prefix renamed it (`questions` → `qa_questions`). */
function findRootField(schema: GraphQLSchema, name: string, prefix: string | undefined): GraphQLField<unknown, unknown> | undefined {
  const fields = schema.getQueryType()?.getFields() ?? {};
  return fields[prefix ? `${prefix}_${name}` : name];
}

type Loader = DataLoader<string, unknown>;

/**
 * The resolver of a link field. `selectionSet` makes the gateway fetch the parent fields the
 * arguments come from even when the client did not select them. Calls are de-duplicated per
 * request by DataLoader (one call per distinct argument set), or sent as batches of keys when
 * the link names a batch operation. Loaders hang off the request context, so nothing is shared
 * between requests or consumers.
 */
function linkResolver(link: LinkDefinition, target: ResolvedTarget) {
  const argumentNames = Object.keys(link.arguments);
  const parentFields = Object.values(link.arguments);
  const loaders = new WeakMap<object, WeakMap<FieldNode, Loader>>();

  function loaderFor(context: object, info: GraphQLResolveInfo): Loader {
    let byField = loaders.get(context);
    if (!byField) loaders.set(context, (byField = new WeakMap()));
    // One loader per field node: two aliases of the link field may select different sub-fields.
    const fieldNode = info.fieldNodes[0]!;
    let loader = byField.get(fieldNode);
    if (!loader) {
      loader = new DataLoader<string, unknown>((keys) =>
        Promise.all(
          keys.map((key) =>
            delegateToSchema({
              schema: target.subschema,
              operation: target.operation,
              fieldName: target.fieldName,
              args: JSON.parse(key) as Record<string, unknown>,
              context,
              info,
            }).catch((error: unknown) => error),
          ),
        ),
      );
      byField.set(fieldNode, loader);
    }
    return loader;
  }

  return {
    selectionSet: `{ ${parentFields.join(' ')} }`,
    resolve(parent: Record<string, unknown>, _args: unknown, context: object, info: GraphQLResolveInfo) {
      const values = parentFields.map((from) => parent[from]);
      if (values.some((value) => value === null || value === undefined)) return null;
      if (link.batch) {
        const batch = link.batch;
        return batchDelegateToSchema({
          schema: target.subschema,
          operation: target.operation,
          fieldName: target.fieldName,
          key: values[0],
          argsFromKeys: (keys) => ({ [batch.argument]: keys }),
          context,
          info,
          dataLoaderOptions: { maxBatchSize: batch.maxBatchSize },
        });
      }
      const args = Object.fromEntries(argumentNames.map((name, index) => [name, values[index]]));
      return loaderFor(context, info).load(JSON.stringify(args));
    },
  };
}
