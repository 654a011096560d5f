import { RenameRootFields, RenameTypes } from '@graphql-tools/wrap';
import { buildClientSchema, buildSchema, getIntrospectionQuery, getNamedType, isObjectType, printSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import type { Dispatcher } from 'undici';
import type { Logger } from '../../log.js';
import type { MergeDefinition } from '../../store/types.js';
import { askBackend, type DescriptionTransport } from '../ask-backend.js';
import { createSubgraphExecutor } from '../federation/executor.js';
import { SourceDefinitionError, type BuiltSource } from '../types.js';

const INTROSPECTION_QUERY = getIntrospectionQuery({ descriptions: true });

/** Introspects a plain GraphQL service and prints its schema, so it is stored and rebuilt without asking again. */
export async function fetchGraphQLServiceSdl(url: string, transport: DescriptionTransport): Promise<string> {
  const payload = (await askBackend(url, INTROSPECTION_QUERY, transport)) as { data?: IntrospectionQuery } | null;
  if (!payload?.data?.__schema) {
    throw new SourceDefinitionError('the backend did not answer the introspection query (is introspection disabled? give the SDL inline)');
  }
  return printSchema(buildClientSchema(payload.data));
}

export interface GraphQLSourceOptions {
  name: string;
  url: string;
  sdl: string;
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Prepended to type names (`QaQuestion`) and root fields (`qa_questions`), as OpenAPI sources do. */
  prefix: string | undefined;
  /** Types merged with the same type elsewhere in the graph; they keep their names. */
  merge?: readonly MergeDefinition[];
  dispatcher: Dispatcher;
  log: Logger;
}

const BUILT_IN_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

/** A plain (non-federation) GraphQL service as a stitchable subschema. */
export function buildGraphQLSource({ name, url, sdl, headers, timeoutMs, prefix, merge = [], dispatcher, log }: GraphQLSourceOptions): BuiltSource {
  let schema;
  try {
    schema = buildSchema(sdl);
  } catch (error) {
    throw new SourceDefinitionError(`The SDL of "${name}" is not a valid schema: ${(error as Error).message}`);
  }
  const executor = createSubgraphExecutor({ name, url, headers, timeoutMs }, { dispatcher, log });
  const mergedTypes = new Set(merge.map((definition) => definition.type));
  const rootFieldName = (fieldName: string) => (prefix ? `${prefix}_${fieldName}` : fieldName);
  const transforms = prefix
    ? [
        new RenameTypes((typeName) => (BUILT_IN_SCALARS.has(typeName) || mergedTypes.has(typeName) ? typeName : `${pascal(prefix)}${typeName}`)),
        new RenameRootFields((_operation, fieldName) => `${prefix}_${fieldName}`),
      ]
    : [];
  const mergeConfig = Object.fromEntries(merge.map((definition) => [definition.type, mergedTypeConfig(schema, name, definition, rootFieldName)]));
  return { name, prefix, subschema: { schema, executor, transforms, batch: true, merge: mergeConfig } };
}

/** How stitching fetches this backend's part of a merged type: its root field, keyed by one field. */
function mergedTypeConfig(schema: GraphQLSchema, name: string, merge: MergeDefinition, rootFieldName: (fieldName: string) => string) {
  const type = schema.getType(merge.type);
  if (!isObjectType(type)) throw new SourceDefinitionError(`Backend "${name}" has no object type "${merge.type}" to merge.`);
  if (!type.getFields()[merge.keyField]) throw new SourceDefinitionError(`Type "${merge.type}" of "${name}" has no key field "${merge.keyField}".`);
  const field = schema.getQueryType()?.getFields()[merge.rootField];
  if (!field || getNamedType(field.type) !== type) {
    throw new SourceDefinitionError(`Backend "${name}" has no root field "${merge.rootField}" returning "${merge.type}".`);
  }
  if (!field.args.some((arg) => arg.name === merge.argument)) {
    throw new SourceDefinitionError(`Root field "${merge.rootField}" of "${name}" has no argument "${merge.argument}".`);
  }
  return {
    selectionSet: `{ ${merge.keyField} }`,
    fieldName: rootFieldName(merge.rootField),
    args: (parent: Record<string, unknown>) => ({ [merge.argument]: parent[merge.keyField] }),
  };
}

function pascal(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
