import {
  assertValidSchema,
  getNamedType,
  GraphQLBoolean,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  isListType,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
} from 'graphql';
import type { Dispatcher } from 'undici';
import type { Logger } from '../../log.js';
import type { InProcessContext } from '../in-process/subgraph.js';
import type { BackendTracing } from '../../telemetry/backend-tracing.js';
import { SourceDefinitionError } from '../types.js';
import { dereference, isRecord, type MediaTypes, type OpenApiDocument, type OperationObject, type ParameterObject, type PathItemObject, type SchemaObject } from './document.js';
import { DEFAULT_MAX_BACKEND_RESPONSE_BYTES } from '../../net/read-bounded-body.js';
import { callRestOperation, type ParameterPlan, type RequestPlan, type RestEndpoint } from './executor.js';
import { NameScope, OperationIds, pascalCase, sanitizeName } from './naming.js';
import { mappedBodyTypes, mapRequestBody } from './request-body.js';
import { SchemaTypeMapper, toJsonValue } from './schema-types.js';

/** One REST operation as links call it (by `operationId`). */
export interface RestOperation {
  /** The GraphQL root field this operation became (prefixed). */
  fieldName: string;
  rootType: 'Query' | 'Mutation';
  /** Name of the GraphQL type the operation returns (unwrapped: `PricingPrice` for `[PricingPrice]`). */
  returnTypeName: string;
  /** Whether the operation returns a list. */
  returnsList: boolean;
  /** Names of the operation's GraphQL arguments. */
  argumentNames: readonly string[];
  /**
   * Calls the backend with GraphQL-style arguments (as the field would receive them) and
   * resolves with the value the field would return, or rejects with a `BACKEND_*` GraphQLError.
   * `gatewayContext`, the gateway request's context, says whom the call is for (identity headers).
   */
  call(args: Record<string, unknown>, gatewayContext: unknown): Promise<unknown>;
}

/** An OpenAPI document as GraphQL: an executable schema whose resolvers call the REST API. */
export interface OpenApiMapping {
  schema: GraphQLSchema;
  /** By operation id (OpenAPI `operationId`, or the generated one). */
  operations: ReadonlyMap<string, RestOperation>;
  /**
   * Parts of the document left out or changed in the mapping, each saying where and why:
   * `<location>: <what happened>`, e.g. `paths./reports.post: operation "createReport" left out: …`.
   */
  warnings: readonly string[];
}

export interface OpenApiMappingOptions {
  /** Backend name: used in error extensions and logs, never the URL. */
  name: string;
  /** Base URL the document's paths are appended to, e.g. `https://pricing.internal/v1`. */
  baseUrl: string;
  document: OpenApiDocument;
  /**
   * Namespace for everything the source adds to the graph: `pricing` gives root fields
   * `pricing_<operationId>` and types `Pricing<Name>` (see `naming.ts`).
   */
  prefix: string;
  /** Sent with every request to the backend, e.g. credentials. */
  headers: Readonly<Record<string, string>>;
  /** Client request headers sent on to the backend (lower-case names). @default [] */
  forwardHeaders?: readonly string[];
  /** Time allowed for one backend call, in milliseconds. */
  timeoutMs: number;
  /** Connection pool for backend calls: the guarded agent. */
  dispatcher: Dispatcher;
  log: Logger;
  /** Tracing on: a client span per REST call, with `traceparent`. @default off */
  tracing?: BackendTracing;
  /** Put the backend's own 4xx message in `BACKEND_BAD_REQUEST` errors (never its URL). @default false */
  exposeErrors?: boolean;
  /**
   * Largest answer read from the backend, in bytes; past it the field fails with
   * `BACKEND_BAD_RESPONSE` and the rest is not read (`GATEHOUSE_MAX_BACKEND_RESPONSE_BYTES`).
   * @default 10485760 (10 MiB)
   */
  maxResponseBytes?: number;
}

// HEAD, OPTIONS and TRACE answer without a JSON body worth a field.
const methods = { get: 'Query', put: 'Mutation', post: 'Mutation', patch: 'Mutation', delete: 'Mutation' } as const;
// OpenAPI 3 says header parameters with these names are ignored: the request sets them itself.
const ignoredHeaders = new Set(['accept', 'content-type', 'authorization']);

/**
 * Turns an OpenAPI 3.x document into an executable subschema whose resolvers call the REST API:
 * GET operations become Query fields, the others Mutation fields. Pure: nothing is fetched.
 * Throws `SourceDefinitionError` when the document cannot be mapped.
 */
export function mapOpenApiDocument(options: OpenApiMappingOptions): OpenApiMapping {
  const { name, document, prefix } = options;
  if (!/[A-Za-z]/.test(prefix)) throw new SourceDefinitionError(`The prefix "${prefix}" needs at least one letter.`);
  const endpoint: RestEndpoint = {
    name,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    // Lower-cased so a header parameter replaces a configured header of the same name instead of doubling it.
    headers: Object.fromEntries(Object.entries(options.headers).map(([key, value]) => [key.toLowerCase(), value])),
    forwardHeaders: options.forwardHeaders ?? [],
    timeoutMs: options.timeoutMs,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_BACKEND_RESPONSE_BYTES,
    dispatcher: options.dispatcher,
    log: options.log.child({ backend: name }),
    tracing: options.tracing,
    exposeErrors: options.exposeErrors ?? false,
  };
  const fieldPrefix = sanitizeName(prefix);
  const mapper = new SchemaTypeMapper(document, pascalCase(prefix));
  const fieldNames = new NameScope();
  const operations = new Map<string, RestOperation>();
  const warnings: string[] = [];
  const queryFields: GraphQLFieldConfigMap<unknown, unknown> = {};
  const mutationFields: GraphQLFieldConfigMap<unknown, unknown> = {};

  const operationIds = new OperationIds(documentOperationIds(document));
  const skipped: string[] = [];
  let operationCount = 0;
  for (const [path, rawPathItem] of Object.entries(document.paths)) {
    if (!isRecord(rawPathItem)) continue;
    const pathItem = dereference(document, rawPathItem as PathItemObject, `paths.${path}`);
    for (const [method, rootType] of Object.entries(methods)) {
      const operation = pathItem[method as keyof typeof methods];
      if (!isRecord(operation)) continue;
      operationCount++;
      const location = `paths.${path}.${method}`;
      const ownId = typeof operation.operationId === 'string' ? operation.operationId : undefined;
      const operationId = operationIds.claim(ownId, method, path);
      if (ownId !== undefined && operationId !== ownId) {
        warnings.push(`${location}: the operationId "${ownId}" is also an earlier operation's; this one is "${operationId}".`);
      }
      const built = buildRootField({ mapper, endpoint, document, operationId, rootType, method, path, pathItem, operation, location, warnings });
      if ('skipped' in built) {
        skipped.push(built.skipped);
        warnings.push(built.skipped);
        continue;
      }
      const fieldName = fieldNames.claim(`${fieldPrefix}_${sanitizeName(operationId)}`);
      operations.set(operationId, { ...built.operation, fieldName });
      (rootType === 'Query' ? queryFields : mutationFields)[fieldName] = built.config;
    }
  }
  if (operations.size === 0) {
    if (operationCount === 0) throw new SourceDefinitionError('The OpenAPI document has no GET, PUT, POST, PATCH or DELETE operation to expose.', 'paths');
    const more = skipped.length > 3 ? ` (and ${skipped.length - 3} more)` : '';
    throw new SourceDefinitionError(`None of the document's ${operationCount} operations could be mapped: ${skipped.slice(0, 3).join(' ')}${more}`, 'paths');
  }
  if (Object.keys(queryFields).length === 0) {
    // A GraphQL schema must have a Query type, and a type at least one field.
    queryFields[`_${fieldPrefix}_noQueries`] = { type: GraphQLBoolean, description: 'This source has only mutations; always null.' };
  }

  let schema: GraphQLSchema;
  if (warnings.length > 0) endpoint.log.warn({ warnings }, 'parts of the OpenAPI document were left out or changed');
  try {
    // Collecting the types runs every field thunk, so a bad schema deep in the document fails
    // here, not on the first query.
    schema = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: queryFields }),
      mutation: Object.keys(mutationFields).length > 0 ? new GraphQLObjectType({ name: 'Mutation', fields: mutationFields }) : undefined,
    });
    assertValidSchema(schema);
  } catch (error) {
    if (error instanceof SourceDefinitionError) throw error;
    throw new SourceDefinitionError(`The OpenAPI document does not map to a valid GraphQL schema: ${(error as Error).message}`);
  }
  return { schema, operations, warnings };
}

interface RootFieldInput {
  mapper: SchemaTypeMapper;
  endpoint: RestEndpoint;
  document: OpenApiDocument;
  operationId: string;
  rootType: 'Query' | 'Mutation';
  method: string;
  path: string;
  pathItem: PathItemObject;
  operation: OperationObject;
  location: string;
  /** Where the field's own notes go (e.g. an implicit path parameter). */
  warnings: string[];
}

type BuiltRootField =
  | { operation: Omit<RestOperation, 'fieldName'>; config: GraphQLFieldConfigMap<unknown, unknown>[string] }
  /** Why the operation is left out, as a warning line. */
  | { skipped: string };

function buildRootField(input: RootFieldInput): BuiltRootField {
  const { mapper, endpoint, document, operationId, rootType, method, path, operation, location, warnings } = input;
  const args: GraphQLFieldConfigArgumentMap = {};
  const argumentNames = new NameScope();
  const hintBase = pascalCase(operationId);
  const label = `operation "${operationId}"`;

  let body: RequestPlan['body'];
  if (operation.requestBody !== undefined) {
    const requestBody = dereference(document, operation.requestBody, `${location}.requestBody`);
    const argumentName = 'input';
    const mapped = mapRequestBody({ mapper, document, requestBody, hintBase, argumentName, location });
    if (mapped.kind === 'unsupported') {
      const offered = mapped.mediaTypes.length > 0 ? mapped.mediaTypes.join(', ') : 'no media type';
      const why = `its request body is ${offered}; only ${mappedBodyTypes.join(', ')} bodies are mapped`;
      // A required body cannot be left out of the call: the operation is left out, not half-mapped.
      if (requestBody.required === true) return { skipped: `${location}: ${label} left out: ${why}.` };
      warnings.push(`${location}: ${label} is called without its optional request body: ${why}.`);
    } else if (mapped.kind === 'argument') {
      argumentNames.claim(argumentName);
      args[argumentName] = { type: mapped.type, description: requestBody.description };
      body = { argumentName, encode: mapped.encode };
      for (const note of mapped.notes) warnings.push(`${location}: ${label}: ${note}.`);
    }
  }

  const parameters: ParameterPlan[] = [];
  for (const parameter of mergedParameters(document, input.pathItem, operation, location)) {
    const where = parameter.in;
    if (where === 'cookie' || (where === 'header' && ignoredHeaders.has(parameter.name.toLowerCase()))) continue;
    const schema = parameter.schema ?? Object.values(parameter.content ?? {})[0]?.schema ?? {};
    const mapped = mapper.input(schema, { base: `${hintBase}${pascalCase(parameter.name)}` });
    const required = where === 'path' || parameter.required === true;
    const type = required && !mapped.nullable ? new GraphQLNonNull(mapped.type) : mapped.type;
    const argumentName = argumentNames.claim(sanitizeName(parameter.name));
    args[argumentName] = { type, description: parameter.description };
    const style = parameter.style ?? (where === 'query' ? 'form' : 'simple');
    parameters.push({
      name: parameter.name,
      in: where,
      argumentName,
      style,
      explode: parameter.explode ?? style === 'form',
      toJson: (value) => toJsonValue(value, type),
    });
  }

  const declared = new Set(parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name));
  for (const [, variable] of path.matchAll(/\{([^}]+)\}/g)) {
    if (declared.has(variable!)) continue;
    // As openapi-generator and GraphQL Mesh do: the template itself declares a required string.
    declared.add(variable!);
    const argumentName = argumentNames.claim(sanitizeName(variable!));
    args[argumentName] = { type: new GraphQLNonNull(GraphQLString), description: `The {${variable}} in the path.` };
    parameters.push({ name: variable!, in: 'path', argumentName, style: 'simple', explode: false, toJson: (value) => value });
    warnings.push(`${location}: ${label}: the path variable {${variable}} has no parameter; it is the required String argument "${argumentName}".`);
  }

  const responseSchema = successSchema(document, operation, location);
  // Root fields stay nullable whatever the schema says, so a failed call nulls only its own field.
  const returnType = responseSchema ? mapper.output(responseSchema, { base: `${hintBase}Response` }).type : mapper.json;
  const plan: RequestPlan = { method: method.toUpperCase(), path, parameters, body };
  const call = (callArgs: Record<string, unknown>, gatewayContext: unknown) => callRestOperation(endpoint, plan, callArgs, gatewayContext);
  return {
    operation: {
      rootType,
      returnTypeName: getNamedType(returnType).name,
      returnsList: isListType(returnType),
      argumentNames: Object.keys(args),
      call,
    },
    config: {
      type: returnType,
      args,
      description: [operation.summary, operation.description].filter((text) => typeof text === 'string').join('\n\n') || undefined,
      deprecationReason: operation.deprecated === true ? 'Deprecated in the OpenAPI document.' : undefined,
      // Resolved in the in-process subgraph's context, which holds the gateway request's.
      resolve: (_source, fieldArgs: Record<string, unknown>, context: unknown) => call(fieldArgs, (context as InProcessContext | undefined)?.gateway),
    },
  };
}

/** The operationIds the document sets, in document order (repeats included). */
function documentOperationIds(document: OpenApiDocument): string[] {
  const ids: string[] = [];
  for (const [path, rawPathItem] of Object.entries(document.paths)) {
    if (!isRecord(rawPathItem)) continue;
    const pathItem = dereference(document, rawPathItem as PathItemObject, `paths.${path}`);
    for (const method of Object.keys(methods)) {
      const operation = pathItem[method as keyof typeof methods];
      if (isRecord(operation) && typeof operation.operationId === 'string') ids.push(operation.operationId);
    }
  }
  return ids;
}

/** Path-level parameters overridden by operation-level ones with the same name and location. */
function mergedParameters(document: OpenApiDocument, pathItem: PathItemObject, operation: OperationObject, location: string): Array<ParameterObject & { name: string; in: 'path' | 'query' | 'header' | 'cookie' }> {
  const byKey = new Map<string, ParameterObject & { name: string; in: 'path' | 'query' | 'header' | 'cookie' }>();
  const all = [...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []), ...(Array.isArray(operation.parameters) ? operation.parameters : [])];
  for (const [index, raw] of all.entries()) {
    const parameter = dereference(document, raw, `${location}.parameters.${index}`);
    if (typeof parameter.name !== 'string' || !['path', 'query', 'header', 'cookie'].includes(parameter.in ?? '')) {
      throw new SourceDefinitionError('A parameter needs a `name` and an `in` of path, query, header or cookie.', `${location}.parameters.${index}`);
    }
    byKey.set(`${parameter.in}:${parameter.name}`, parameter as ParameterObject & { name: string; in: 'path' | 'query' | 'header' | 'cookie' });
  }
  return [...byKey.values()];
}

/** `application/json`, or any `+json` type (`application/problem+json`), with its schema. */
function jsonMediaType(holder: MediaTypes): { contentType: string; schema: SchemaObject | undefined } | undefined {
  const content = isRecord(holder.content) ? holder.content : {};
  const contentType = Object.keys(content).find((type) => /^application\/(.+\+)?json(;|$)/i.test(type));
  return contentType === undefined ? undefined : { contentType, schema: content[contentType]?.schema };
}

/** The JSON schema of the first 2xx response (200 before 201…, then `2XX`), if it has one. */
function successSchema(document: OpenApiDocument, operation: OperationObject, location: string): SchemaObject | undefined {
  const responses = isRecord(operation.responses) ? operation.responses : {};
  const status = [...Object.keys(responses).filter((code) => /^2\d\d$/.test(code)).sort(), ...Object.keys(responses).filter((code) => /^2XX$/i.test(code))][0];
  if (status === undefined) return undefined;
  const response = dereference(document, responses[status]!, `${location}.responses.${status}`);
  return jsonMediaType(response)?.schema;
}
