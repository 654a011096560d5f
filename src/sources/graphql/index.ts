import { delegateToSchema, type SubschemaConfig } from '@graphql-tools/delegate';
import { RenameRootFields, RenameTypes, wrapSchema } from '@graphql-tools/wrap';
import DataLoader from 'dataloader';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isObjectType,
  OperationTypeNode,
  parse,
  printSchema,
  type DocumentNode,
  type GraphQLField,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import type { CompositionErrorDetail } from '../../errors.js';
import { describeTransport } from '../ask-backend.js';
import type { BackendBase, KindFields } from '../backend.js';
import { asToolsExecutor, createSubgraphExecutor, endpointOf } from '../federation/executor.js';
import type { LinkDefinition, MergeDefinition } from '../fields.js';
import { linkedEntities, linkRequestsOf, providedKeys, type LinkTargetOutcome } from '../in-process/links.js';
import { buildInProcessSubgraph, perFetch, type EntityType, type InProcessContext } from '../in-process/subgraph.js';
import { parseKindFields } from '../kind-fields.js';
import type { BuildOutcome, GraphView, InputOutcome, PreparedSource, Resolved, Source, SourceRuntime } from '../types.js';
import { graphqlRegisterFields, graphqlUpdateFields, type GraphQLBackend } from './definition.js';
import { fetchGraphQLServiceSdl } from './introspect.js';

const BUILT_IN_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

/**
 * Plain GraphQL services: introspected (or given as SDL), optionally prefixed, served as an
 * in-process subgraph whose root fields delegate to the service. `links` add fields to other
 * backends' types; `merge` shares a type with another backend by a key.
 */
export const graphqlSource: Source<GraphQLBackend> = {
  kind: 'GRAPHQL',
  inputFields: { register: ['sdl', 'prefix', 'links', 'merge'], update: ['sdl', 'refetchSdl', 'prefix', 'links', 'merge'] },

  async resolve(base: BackendBase, fields: KindFields, runtime: SourceRuntime): Promise<InputOutcome<Resolved<GraphQLBackend>>> {
    const parsed = parseKindFields(graphqlRegisterFields, fields);
    if (!parsed.ok) return parsed;
    const { sdl, prefix, links, merge } = parsed.value;
    const described = { ...base, kind: 'GRAPHQL' as const, prefix: prefix ?? null, links: links ?? [], merge: merge ?? [] };
    if (sdl != null) return { ok: true, value: { backend: { ...described, sdl, sdlSource: 'INLINE' } } };
    const fetched = await fetchGraphQLServiceSdl(base.url, describeTransport(base, runtime));
    if (!fetched.ok) return { ok: false, field: 'url', message: `cannot introspect the backend: ${fetched.message}` };
    return { ok: true, value: { backend: { ...described, sdl: fetched.value, sdlSource: 'INTROSPECTED' } } };
  },

  async resolvePatch(stored, fields, runtime) {
    const parsed = parseKindFields(graphqlUpdateFields, fields);
    if (!parsed.ok) return parsed;
    const { sdl, refetchSdl, prefix, links, merge } = parsed.value;
    const options: Partial<GraphQLBackend> = {
      ...(prefix != null && { prefix }),
      ...(links != null && { links }),
      ...(merge != null && { merge }),
    };
    if (sdl != null) return { ok: true, value: (current) => ({ ...current, ...options, sdl, sdlSource: 'INLINE' }) };
    if (!refetchSdl) return { ok: true, value: (current) => ({ ...current, ...options }) };
    const fetched = await fetchGraphQLServiceSdl(stored.url, describeTransport(stored, runtime));
    if (!fetched.ok) return { ok: false, field: 'url', message: `cannot introspect the backend: ${fetched.message}` };
    return { ok: true, value: (current) => ({ ...current, ...options, sdl: fetched.value, sdlSource: 'INTROSPECTED' }) };
  },

  prepare(backend, runtime) {
    let remote: GraphQLSchema;
    try {
      remote = buildSchema(backend.sdl);
    } catch (error) {
      return invalid(backend.name, `The SDL of "${backend.name}" is not a valid schema: ${(error as Error).message}`);
    }
    const problems = backend.merge.flatMap((definition) => mergeProblems(remote, definition));
    if (problems.length) return { ok: false, errors: problems.map((message) => ({ message: `Backend "${backend.name}": ${message}`, code: 'INVALID_SOURCE', backend: backend.name })) };
    return { ok: true, value: new PreparedGraphQLService(backend, remote, runtime) };
  },
};

function invalid(backend: string, message: string): BuildOutcome<never> {
  return { ok: false, errors: [{ message, code: 'INVALID_SOURCE', backend }] };
}

/** Why `merge` cannot be served from the backend's schema (empty when it can). */
function mergeProblems(schema: GraphQLSchema, merge: MergeDefinition): string[] {
  const type = schema.getType(merge.type);
  if (!isObjectType(type)) return [`no object type "${merge.type}" to merge`];
  if (!type.getFields()[merge.keyField]) return [`type "${merge.type}" has no key field "${merge.keyField}"`];
  const field = schema.getQueryType()?.getFields()[merge.rootField];
  if (!field || getNamedType(field.type) !== type) return [`no root field "${merge.rootField}" returning "${merge.type}"`];
  if (!field.args.some((arg) => arg.name === merge.argument)) return [`root field "${merge.rootField}" has no argument "${merge.argument}"`];
  return [];
}

class PreparedGraphQLService implements PreparedSource {
  readonly name: string;
  readonly generated = true;
  readonly ownTypes: DocumentNode;
  readonly linkRequests: ReadonlyArray<{ type: string; fromFields: readonly string[] }>;
  readonly #backend: GraphQLBackend;
  readonly #subschema: SubschemaConfig;
  /** The service's schema as the graph sees it (prefixed), its root fields delegating to the service. */
  readonly #schema: GraphQLSchema;

  constructor(backend: GraphQLBackend, remote: GraphQLSchema, runtime: SourceRuntime) {
    this.name = backend.name;
    this.#backend = backend;
    const { prefix } = backend;
    const mergedTypes = new Set(backend.merge.map((definition) => definition.type));
    this.#subschema = {
      schema: remote,
      executor: asToolsExecutor(
        createSubgraphExecutor(endpointOf(backend, runtime), { dispatcher: runtime.dispatcher, log: runtime.log, tracing: runtime.tracing }),
        // Delegations run in the in-process subgraph's context, which holds the gateway's.
        (context) => (context as InProcessContext | undefined)?.gateway,
      ),
      // Delegations to the service in the same tick go out as one request.
      batch: true,
      transforms: prefix
        ? [
            new RenameTypes((typeName) => (BUILT_IN_SCALARS.has(typeName) || mergedTypes.has(typeName) ? typeName : `${pascal(prefix)}${typeName}`)),
            new RenameRootFields((_operation, fieldName) => `${prefix}_${fieldName}`),
          ]
        : [],
    };
    this.#schema = wrapSchema(this.#subschema);
    this.ownTypes = parse(printSchema(this.#schema));
    this.linkRequests = linkRequestsOf(backend.links);
  }

  load(graph: GraphView): BuildOutcome<ReturnType<typeof buildInProcessSubgraph>> {
    const linked = linkedEntities(this.name, this.#backend.links, graph, (link) => this.#linkTarget(link));
    if (!linked.ok) return linked;
    const merged = this.#backend.merge.map((definition) => this.#mergedEntity(definition, graph));
    const errors: CompositionErrorDetail[] = [];
    for (const entity of merged) {
      if (linked.value.some((other) => other.typeName === entity.typeName)) {
        errors.push({ message: `Backend "${this.name}" both merges and links type "${entity.typeName}": use one of them.`, code: 'LINK_INVALID', backend: this.name });
      }
    }
    if (errors.length) return { ok: false, errors };
    const entityTypes = new Set([...linked.value, ...merged].map((entity) => entity.typeName));
    const ownObjectTypes = Object.values(this.#schema.getTypeMap()).filter((type) => isObjectType(type) && !type.name.startsWith('__')).map((type) => type.name);
    const provided = providedKeys(this.name, ownObjectTypes, graph).filter((entity) => !entityTypes.has(entity.typeName));
    return {
      ok: true,
      value: buildInProcessSubgraph({ name: this.name, url: this.#backend.url, schema: this.#schema, entities: [...linked.value, ...merged, ...provided] }),
    };
  }

  /** The root field a link calls, with one call per distinct argument set in each fetch (DataLoader). */
  #linkTarget(link: LinkDefinition): LinkTargetOutcome {
    const rootFieldName = link.rootField ?? '';
    const field = this.#rootField(rootFieldName);
    if (!field) return { ok: false, reason: `the backend has no root field "${rootFieldName}"` };
    const unknown = Object.keys(link.arguments).filter((name) => !field.args.some((arg) => arg.name === name));
    if (unknown.length) return { ok: false, reason: `root field "${rootFieldName}" has no argument ${unknown.map((n) => `"${n}"`).join(', ')}` };
    const subschema = this.#subschema;
    return {
      ok: true,
      target: {
        fieldType: String(getNullableType(field.type)),
        load: (args, context, info) =>
          perFetch(context, info.fieldNodes[0]!, () =>
            // Its own field node: two aliases of the link field may select different sub-fields.
            delegatingLoader({ subschema, fieldName: field.name, context, info: { ...info, fieldNodes: [info.fieldNodes[0]!] } }),
          ).load(JSON.stringify(args)),
      },
    };
  }

  /** `type` shared with another backend: this service's fields of it, asked for by key through `rootField`. */
  #mergedEntity(merge: MergeDefinition, graph: GraphView): EntityType {
    const elsewhere = graph.objectType(merge.type, this.name);
    const ownFields = Object.keys((this.#schema.getType(merge.type) as { getFields(): object }).getFields());
    const fieldName = this.#rootField(merge.rootField)!.name;
    const subschema = this.#subschema;
    const returnType = this.#schema.getType(merge.type) as Parameters<typeof delegateToSchema>[0]['returnType'];
    return {
      typeName: merge.type,
      key: [merge.keyField],
      resolvable: true,
      // Fields another backend already resolves stay theirs; composition would refuse them twice.
      omittedFields: new Set(ownFields.filter((name) => name !== merge.keyField && elsewhere?.has(name))),
      resolveReference: (representation, context, info) =>
        perFetch(context, `merge:${merge.type}`, () =>
          delegatingLoader({ subschema, fieldName, context, info, returnType, argsOf: (key) => ({ [merge.argument]: key }) }),
        )
          .load(JSON.stringify(representation[merge.keyField]))
          .then((value) => withTypename(value, merge.type)),
    };
  }

  #rootField(name: string): GraphQLField<unknown, unknown> | undefined {
    const fields = this.#schema.getQueryType()?.getFields() ?? {};
    return fields[this.#backend.prefix ? `${this.#backend.prefix}_${name}` : name];
  }
}

interface DelegationLoaderOptions {
  subschema: SubschemaConfig;
  fieldName: string;
  context: InProcessContext;
  info: GraphQLResolveInfo;
  returnType?: Parameters<typeof delegateToSchema>[0]['returnType'];
  /** The root field's arguments for a key (the JSON of the loaded value). @default the key itself, parsed */
  argsOf?: (key: unknown) => Record<string, unknown>;
}

/**
 * One delegation per distinct key in a fetch (keys are JSON text); a failed call is that key's
 * error, not the batch's. Delegations of one tick go to the service as one request (`batch`).
 */
function delegatingLoader({ subschema, fieldName, context, info, returnType, argsOf = (key) => key as Record<string, unknown> }: DelegationLoaderOptions): DataLoader<string, unknown> {
  return new DataLoader<string, unknown>((keys) =>
    Promise.all(
      keys.map((key) =>
        delegateToSchema({ schema: subschema, operation: OperationTypeNode.QUERY, fieldName, args: argsOf(JSON.parse(key)), context, info, returnType }).catch(
          (error: unknown) => error,
        ),
      ),
    ),
  );
}

/** `_entities` answers a union: each object must say its type. */
function withTypename(value: unknown, typeName: string): unknown {
  if (value !== null && typeof value === 'object' && !('__typename' in value)) (value as Record<string, unknown>).__typename = typeName;
  return value;
}

function pascal(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
