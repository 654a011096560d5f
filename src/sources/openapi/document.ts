import { request, type Dispatcher } from 'undici';
import { parse as parseYaml } from 'yaml';
import { abandonBody, readBoundedBody } from '../../net/read-bounded-body.js';
import { SourceDefinitionError } from '../types.js';

/** The default cap on an OpenAPI document, inline or fetched (`GATEHOUSE_MAX_OPENAPI_DOCUMENT_BYTES`): 10 MiB. */
export const DEFAULT_MAX_OPENAPI_DOCUMENT_BYTES = 10 * 1024 * 1024;

const tooLarge = (maxBytes: number) =>
  new SourceDefinitionError(`The OpenAPI document is larger than ${maxBytes} bytes, the limit GATEHOUSE_MAX_OPENAPI_DOCUMENT_BYTES sets.`);

/**
 * The parts of an OpenAPI 3.x document the source reads. Documents come from outside, so every
 * field is optional and read defensively; `parseOpenApiDocument` only guarantees the top level.
 */
export interface SchemaObject {
  $ref?: string;
  /** 3.0: one type name; 3.1: a name or a list that may include `'null'`. */
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  /** 3.0 nullability; 3.1 uses `type: [..., 'null']` instead. */
  nullable?: boolean;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  additionalProperties?: boolean | SchemaObject;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  description?: string;
  /** 3.1: the media type of a string's content; without `contentEncoding` the string is raw bytes. */
  contentMediaType?: string;
  /** 3.1: how a string's content is encoded, e.g. `base64`. */
  contentEncoding?: string;
}

/** How one property of a form or multipart body is sent (the Encoding Object). */
export interface EncodingObject {
  contentType?: string;
  headers?: Record<string, unknown>;
  style?: string;
  explode?: boolean;
  allowReserved?: boolean;
}

export interface MediaTypeObject {
  schema?: SchemaObject;
  /** Form and multipart bodies only: per-property encoding, keyed by property name. */
  encoding?: Record<string, EncodingObject>;
}

export interface ParameterObject {
  $ref?: string;
  name?: string;
  in?: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  style?: string;
  explode?: boolean;
  schema?: SchemaObject;
  content?: Record<string, { schema?: SchemaObject }>;
}

export interface MediaTypes {
  content?: Record<string, MediaTypeObject>;
}

export interface OperationObject {
  operationId?: string;
  summary?: string;
  description?: string;
  deprecated?: boolean;
  parameters?: ParameterObject[];
  requestBody?: MediaTypes & { $ref?: string; required?: boolean; description?: string };
  responses?: Record<string, MediaTypes & { $ref?: string }>;
}

export interface PathItemObject {
  $ref?: string;
  parameters?: ParameterObject[];
  get?: OperationObject;
  put?: OperationObject;
  post?: OperationObject;
  patch?: OperationObject;
  delete?: OperationObject;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, PathItemObject>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface ParseOpenApiDocumentOptions {
  /** Largest document accepted, in UTF-8 bytes, checked before parsing. @default 10485760 (10 MiB) */
  maxBytes?: number;
}

/**
 * Parses a document given as JSON or YAML and checks that it is OpenAPI 3.x with `paths` and that
 * every `$ref` points inside it, so building a source never meets a dangling reference.
 */
export function parseOpenApiDocument(text: string, { maxBytes = DEFAULT_MAX_OPENAPI_DOCUMENT_BYTES }: ParseOpenApiDocumentOptions = {}): OpenApiDocument {
  // A UTF-8 byte is at least a third of a UTF-16 unit, so only long texts need counting.
  if (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes) throw tooLarge(maxBytes);
  const trimmed = text.trim();
  if (trimmed === '') throw new SourceDefinitionError('The OpenAPI document is empty.');
  let value: unknown;
  if (trimmed.startsWith('{')) {
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new SourceDefinitionError(`The OpenAPI document is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    try {
      // The yaml package caps alias expansion by default, so a "billion laughs" document fails here.
      value = parseYaml(trimmed);
    } catch (error) {
      throw new SourceDefinitionError(`The OpenAPI document is neither JSON nor valid YAML: ${(error as Error).message}`);
    }
  }
  if (!isRecord(value)) throw new SourceDefinitionError('The OpenAPI document is not an object (expected JSON or YAML with an `openapi` field).');
  if (value.swagger !== undefined) {
    throw new SourceDefinitionError(`Swagger ${String(value.swagger)} documents are not supported: convert the document to OpenAPI 3.`, 'swagger');
  }
  if (typeof value.openapi !== 'string' || !/^3\.\d+(\.\d+)?/.test(value.openapi)) {
    throw new SourceDefinitionError(`The document is not OpenAPI 3.x (its \`openapi\` field is ${JSON.stringify(value.openapi) ?? 'missing'}).`, 'openapi');
  }
  if (!isRecord(value.paths)) throw new SourceDefinitionError('The OpenAPI document has no `paths` object.', 'paths');
  checkReferences(value);
  return value as OpenApiDocument;
}

function checkReferences(document: Record<string, unknown>): void {
  const seen = new Set<unknown>();
  const visit = (node: unknown, location: string): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${location}.${index}`));
      return;
    }
    const record = node as Record<string, unknown>;
    if (typeof record.$ref === 'string') resolvePointer(document, record.$ref, location);
    for (const [key, child] of Object.entries(record)) visit(child, location === '' ? key : `${location}.${key}`);
  };
  visit(document, '');
}

/** The value at an internal reference (`#/components/schemas/Price`); throws for external or dangling ones. */
export function resolvePointer(document: unknown, ref: string, location?: string): unknown {
  if (!ref.startsWith('#/')) {
    throw new SourceDefinitionError(`Only references inside the document (#/...) are supported, found "${ref}".`, location);
  }
  let node = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isRecord(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
    if (node === undefined) throw new SourceDefinitionError(`The reference "${ref}" points to nothing in the document.`, location);
  }
  return node;
}

/** Follows `$ref` chains (a ref to a ref) to the object they end at. */
export function dereference<T extends { $ref?: string }>(document: OpenApiDocument, value: T, location?: string): T {
  let current: unknown = value;
  const seen = new Set<string>();
  while (isRecord(current) && typeof current.$ref === 'string') {
    if (seen.has(current.$ref)) throw new SourceDefinitionError(`The reference "${current.$ref}" refers to itself.`, location);
    seen.add(current.$ref);
    current = resolvePointer(document, current.$ref, location);
  }
  if (!isRecord(current)) throw new SourceDefinitionError('Expected an object here.', location);
  return current as T;
}

export interface FetchOpenApiDocumentOptions {
  /** Connection pool for the request: the guarded agent, so the document URL gets the SSRF checks too. */
  dispatcher: Dispatcher;
  /** Time allowed for the whole download, in milliseconds. */
  timeoutMs: number;
  /** Extra request headers, e.g. the backend's credentials. @default {} */
  headers?: Readonly<Record<string, string>>;
  /** Largest document read, in bytes: the download stops there. @default 10485760 (10 MiB) */
  maxBytes?: number;
}

/**
 * Downloads an OpenAPI document's text. Every failure is a `SourceDefinitionError` whose message
 * says what went wrong without quoting the response.
 */
export async function fetchOpenApiDocument(
  url: string,
  { dispatcher, timeoutMs, headers = {}, maxBytes = DEFAULT_MAX_OPENAPI_DOCUMENT_BYTES }: FetchOpenApiDocumentOptions,
): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  // Same words as for SDL fetches: undici's message names addresses the admin may not be shown.
  const unreachable = () =>
    signal.aborted
      ? new SourceDefinitionError(`The OpenAPI document did not arrive within ${timeoutMs} ms.`)
      : new SourceDefinitionError('The OpenAPI document could not be fetched: connection refused, address not allowed or DNS failure.');
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: 'GET',
      headers: { ...headers, accept: 'application/json, application/yaml;q=0.9, */*;q=0.5' },
      dispatcher,
      signal,
    });
  } catch {
    throw unreachable();
  }
  if (response.statusCode !== 200) {
    // Nothing of an error page is needed.
    abandonBody(response.body);
    throw new SourceDefinitionError(`The OpenAPI document could not be fetched: the server answered HTTP ${response.statusCode}.`);
  }
  const read = await readBoundedBody(response, maxBytes);
  if (!read.ok) throw read.reason === 'too-large' ? tooLarge(maxBytes) : unreachable();
  if (read.text.trim() === '') throw new SourceDefinitionError('The OpenAPI document could not be fetched: the server answered with an empty body.');
  return read.text;
}
