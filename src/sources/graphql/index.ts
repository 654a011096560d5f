import { RenameRootFields, RenameTypes } from '@graphql-tools/wrap';
import { buildClientSchema, buildSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from 'graphql';
import { request, type Dispatcher } from 'undici';
import type { Logger } from '../../log.js';
import { createSubgraphExecutor } from '../federation/executor.js';
import { SourceDefinitionError, type BuiltSource } from '../types.js';

const INTROSPECTION_BODY = JSON.stringify({ query: getIntrospectionQuery({ descriptions: true }) });

/**
 * Introspects a plain GraphQL service and prints its schema, so it can be stored and rebuilt
 * without asking the service again. Errors say what an admin can act on, without the body.
 */
export async function fetchGraphQLServiceSdl(
  url: string,
  { headers, dispatcher, timeoutMs }: { headers: Readonly<Record<string, string>>; dispatcher: Dispatcher; timeoutMs: number },
): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  let text: string;
  let statusCode: number;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
      body: INTROSPECTION_BODY,
      dispatcher,
      signal,
    });
    statusCode = response.statusCode;
    text = await response.body.text();
  } catch {
    throw new SourceDefinitionError(
      signal.aborted
        ? `the backend did not answer within ${timeoutMs} ms`
        : 'the backend could not be reached (connection refused, address not allowed or DNS failure)',
    );
  }
  let payload: { data?: IntrospectionQuery };
  try {
    payload = JSON.parse(text) as typeof payload;
  } catch {
    throw new SourceDefinitionError(`the backend answered HTTP ${statusCode} with something that is not JSON`);
  }
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
  dispatcher: Dispatcher;
  log: Logger;
}

const BUILT_IN_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

/** A plain (non-federation) GraphQL service as a stitchable subschema. */
export function buildGraphQLSource({ name, url, sdl, headers, timeoutMs, prefix, dispatcher, log }: GraphQLSourceOptions): BuiltSource {
  let schema;
  try {
    schema = buildSchema(sdl);
  } catch (error) {
    throw new SourceDefinitionError(`The SDL of "${name}" is not a valid schema: ${(error as Error).message}`);
  }
  const executor = createSubgraphExecutor({ name, url, headers, timeoutMs }, { dispatcher, log });
  const transforms = prefix
    ? [
        new RenameTypes((typeName) => (BUILT_IN_SCALARS.has(typeName) ? typeName : `${pascal(prefix)}${typeName}`)),
        new RenameRootFields((_operation, fieldName) => `${prefix}_${fieldName}`),
      ]
    : [];
  return { name, prefix, subschema: { schema, executor, transforms, batch: true } };
}

function pascal(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
