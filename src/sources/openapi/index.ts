import { isObjectType, parse, printSchema, type DocumentNode } from 'graphql';
import type { BackendBase, KindFields } from '../backend.js';
import { describeTransport } from '../ask-backend.js';
import { linkedEntities, linkRequestsOf, providedKeys } from '../in-process/links.js';
import { buildInProcessSubgraph } from '../in-process/subgraph.js';
import { parseKindFields } from '../kind-fields.js';
import { SourceDefinitionError, type BuildOutcome, type GraphView, type Subgraph, type InputOutcome, type PreparedSource, type Resolved, type Source, type SourceRuntime } from '../types.js';
import { defaultPrefix, isDocumentUrl, openApiRegisterFields, openApiUpdateFields, type OpenApiBackend } from './definition.js';
import { fetchOpenApiDocument, parseOpenApiDocument, type OpenApiDocument } from './document.js';
import { restLinkTarget } from './links.js';
import { mapOpenApiDocument, type OpenApiMapping } from './mapping.js';

/**
 * REST services described by OpenAPI 3: every operation becomes a root field (GET → Query, others
 * → Mutation) of an in-process subgraph whose resolvers call the service; `links` add fields to
 * other backends' types, resolved by operations (batched when the link names a batch operation).
 */
export const openApiSource: Source<OpenApiBackend> = {
  kind: 'OPENAPI',
  inputFields: { register: ['openapi', 'prefix', 'links', 'exposeErrors'], update: ['openapi', 'refetchSdl', 'prefix', 'links', 'exposeErrors'] },

  async resolve(base: BackendBase, fields: KindFields, runtime: SourceRuntime): Promise<InputOutcome<Resolved<OpenApiBackend>>> {
    const parsed = parseKindFields(openApiRegisterFields, fields);
    if (!parsed.ok) return parsed;
    const { openapi, prefix, links, exposeErrors } = parsed.value;
    const described = await describedDocument(openapi, base, runtime);
    if (!described.ok) return described;
    const backend: OpenApiBackend = {
      ...base,
      kind: 'OPENAPI',
      ...described.value.stored,
      prefix: prefix ?? defaultPrefix(base.name),
      links: links ?? [],
      exposeErrors: exposeErrors ?? false,
    };
    // Parsed once: the document checked here is the one the subgraph is built from.
    return { ok: true, value: { backend, prepared: prepareMapping(backend, described.value.document, runtime) } };
  },

  async resolvePatch(stored, fields, runtime) {
    const parsed = parseKindFields(openApiUpdateFields, fields);
    if (!parsed.ok) return parsed;
    const { openapi, refetchSdl, prefix, links, exposeErrors } = parsed.value;
    const options: Partial<OpenApiBackend> = {
      ...(prefix != null && { prefix }),
      ...(links != null && { links }),
      ...(exposeErrors != null && { exposeErrors }),
    };
    let source = openapi ?? undefined;
    if (refetchSdl) {
      if (stored.documentUrl === null) return { ok: false, field: 'refetchSdl', message: 'the OpenAPI document was given inline: give it again as openapi' };
      source = stored.documentUrl;
    }
    if (source === undefined) return { ok: true, value: (current) => ({ ...current, ...options }) };
    const described = await describedDocument(source, stored, runtime, refetchSdl ? 'refetchSdl' : 'openapi');
    if (!described.ok) return described;
    const { stored: document } = described.value;
    return { ok: true, value: (current) => ({ ...current, ...options, ...document }) };
  },

  prepare(backend, runtime) {
    let document: OpenApiDocument;
    try {
      // The stored document was accepted under the limit of its day: a lower limit now must not unserve it.
      document = parseOpenApiDocument(backend.document, { maxBytes: Number.POSITIVE_INFINITY });
    } catch (error) {
      if (error instanceof SourceDefinitionError) return invalid(backend.name, error.message);
      throw error;
    }
    return prepareMapping(backend, document, runtime);
  },
};

/** The document an `openapi` value names: fetched when it is a URL, parsed either way. */
async function describedDocument(
  value: string,
  backend: BackendBase,
  runtime: SourceRuntime,
  field = 'openapi',
): Promise<InputOutcome<{ stored: Pick<OpenApiBackend, 'document' | 'documentUrl'>; document: OpenApiDocument }>> {
  try {
    const documentUrl = isDocumentUrl(value) ? value.trim() : null;
    const maxBytes = runtime.maxDocumentBytes;
    const text = documentUrl === null ? value : await fetchOpenApiDocument(documentUrl, { ...describeTransport(backend, runtime), maxBytes });
    return { ok: true, value: { stored: { document: text, documentUrl }, document: parseOpenApiDocument(text, { maxBytes }) } };
  } catch (error) {
    if (error instanceof SourceDefinitionError) return { ok: false, field, message: error.message };
    throw error;
  }
}

function invalid(backend: string, message: string): BuildOutcome<never> {
  return { ok: false, errors: [{ message, code: 'INVALID_SOURCE', backend }] };
}

function prepareMapping(backend: OpenApiBackend, document: OpenApiDocument, runtime: SourceRuntime): BuildOutcome<PreparedSource> {
  let mapping: OpenApiMapping;
  try {
    mapping = mapOpenApiDocument({
      name: backend.name,
      baseUrl: backend.url,
      document,
      prefix: backend.prefix,
      headers: backend.headers,
      forwardHeaders: backend.forwardHeaders,
      timeoutMs: backend.timeoutMs ?? runtime.defaultTimeoutMs,
      dispatcher: runtime.dispatcher,
      log: runtime.log,
      tracing: runtime.tracing,
      exposeErrors: backend.exposeErrors,
      maxResponseBytes: backend.maxResponseBytes ?? runtime.maxResponseBytes,
    });
  } catch (error) {
    if (error instanceof SourceDefinitionError) return invalid(backend.name, error.message);
    throw error;
  }
  return { ok: true, value: new PreparedRestService(backend, mapping) };
}

class PreparedRestService implements PreparedSource {
  readonly name: string;
  readonly generated = true;
  readonly ownTypes: DocumentNode;
  readonly linkRequests: ReadonlyArray<{ type: string; fromFields: readonly string[] }>;

  constructor(
    private readonly backend: OpenApiBackend,
    private readonly mapping: OpenApiMapping,
  ) {
    this.name = backend.name;
    this.ownTypes = parse(printSchema(mapping.schema));
    this.linkRequests = linkRequestsOf(backend.links);
  }

  load(graph: GraphView): BuildOutcome<Subgraph> {
    const linked = linkedEntities(this.name, this.backend.links, graph, (link) => restLinkTarget(this.name, link, this.mapping));
    if (!linked.ok) return linked;
    const linkedTypes = new Set(linked.value.map((entity) => entity.typeName));
    const ownObjectTypes = Object.values(this.mapping.schema.getTypeMap()).filter((type) => isObjectType(type) && !type.name.startsWith('__')).map((type) => type.name);
    const provided = providedKeys(this.name, ownObjectTypes, graph).filter((entity) => !linkedTypes.has(entity.typeName));
    return { ok: true, value: buildInProcessSubgraph({ name: this.name, url: this.backend.url, schema: this.mapping.schema, entities: [...linked.value, ...provided] }) };
  }
}
