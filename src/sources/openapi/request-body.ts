import { GraphQLInputObjectType, GraphQLList, GraphQLNonNull, type GraphQLInputFieldConfigMap, type GraphQLInputType } from 'graphql';
import { badUserInput } from '../../errors.js';
import { encodeFormBody, encodeMultipartBody, type EncodedBody, type PropertyEncoding } from './body-encoding.js';
import { dereference, isRecord, type EncodingObject, type MediaTypeObject, type MediaTypes, type OpenApiDocument, type SchemaObject } from './document.js';
import { NameScope, pascalCase, sanitizeName } from './naming.js';
import { toJsonValue, type SchemaTypeMapper } from './schema-types.js';

/** The request body media types that are mapped, in the order one is chosen when several are offered. */
export const mappedBodyTypes = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'] as const;

export type RequestBodyMapping =
  /** The body becomes one argument (`input`) of this type, sent with `encode`. */
  | { kind: 'argument'; type: GraphQLInputType; encode(value: unknown): EncodedBody; notes: string[] }
  /** A form body that can carry nothing (`properties: {}`, `additionalProperties: false`, as on Stripe's GETs). */
  | { kind: 'empty' }
  /** No media type Gatehouse maps: the operation goes without a body, or is left out if the body is required. */
  | { kind: 'unsupported'; mediaTypes: string[] };

export interface RequestBodyInput {
  mapper: SchemaTypeMapper;
  document: OpenApiDocument;
  requestBody: MediaTypes & { required?: boolean };
  /** Base for inline type names, e.g. `PostFiles` → `<Prefix>PostFilesBodyInput`. */
  hintBase: string;
  /** The GraphQL argument that will carry the body (for error messages). */
  argumentName: string;
  location: string;
}

const jsonType = /^application\/(.+\+)?json(;|$)/i;
const formType = /^application\/x-www-form-urlencoded(;|$)/i;
const multipartType = /^multipart\/form-data(;|$)/i;
const styles = new Set(['form', 'spaceDelimited', 'pipeDelimited', 'deepObject']);

/**
 * Maps an operation's request body. JSON is preferred, then `application/x-www-form-urlencoded`,
 * then `multipart/form-data` (a document offering several means the same body in each). Form and
 * multipart bodies map to the same input types as JSON ones; only the wire encoding differs, by
 * the media type's `encoding` (style, explode, contentType per property). In a multipart body a
 * `format: binary` property (3.1: `contentMediaType` without `contentEncoding`) is a file, given as
 * `<Prefix>FilePartInput`. `notes` lists what the mapping could not carry (e.g. part headers).
 */
export function mapRequestBody(input: RequestBodyInput): RequestBodyMapping {
  const { mapper, requestBody, hintBase, location } = input;
  const content = isRecord(requestBody.content) ? (requestBody.content as Record<string, MediaTypeObject>) : {};
  const mediaTypes = Object.keys(content);
  const pick = (pattern: RegExp) => mediaTypes.find((type) => pattern.test(type));
  const required = requestBody.required === true;

  const json = pick(jsonType);
  if (json !== undefined) {
    const mapped = mapper.input(content[json]?.schema ?? {}, { base: `${hintBase}Body` });
    const type = required && !mapped.nullable ? new GraphQLNonNull(mapped.type) : mapped.type;
    return { kind: 'argument', type, notes: [], encode: (value) => ({ contentType: json, payload: JSON.stringify(toJsonValue(value, type)) }) };
  }
  const form = pick(formType) ?? pick(multipartType);
  if (form === undefined) return { kind: 'unsupported', mediaTypes };
  const isMultipart = multipartType.test(form);
  const media = isRecord(content[form]) ? content[form]! : {};
  const schema = isRecord(media.schema) ? dereference(input.document, media.schema, `${location}.requestBody.content.${form}.schema`) : {};
  const { properties, required: requiredProperties } = mapper.mergedProperties(schema);
  if (Object.keys(properties).length === 0 && schema.additionalProperties === false) return { kind: 'empty' };

  const notes: string[] = [];
  const encodings = new Map<string, PropertyEncoding>();
  const encodingObjects = isRecord(media.encoding) ? media.encoding : {};
  for (const [name, property] of Object.entries(properties)) {
    const encoding = isRecord(encodingObjects[name]) ? (encodingObjects[name] as EncodingObject) : {};
    const style = typeof encoding.style === 'string' && styles.has(encoding.style) ? (encoding.style as PropertyEncoding['style']) : undefined;
    encodings.set(name, {
      style,
      explode: typeof encoding.explode === 'boolean' ? encoding.explode : (style ?? 'form') === 'form',
      contentType: concreteContentType(encoding.contentType),
      isFile: isMultipart && fileShape(input.document, property) !== undefined,
    });
    if (isMultipart && isRecord(encoding.headers) && Object.keys(encoding.headers).length > 0) {
      notes.push(`the part headers of "${name}" (${Object.keys(encoding.headers).join(', ')}) are not sent`);
    }
  }

  const hasFiles = [...encodings.values()].some((encoding) => encoding.isFile);
  const mapped = hasFiles
    ? { type: fileBodyType(input, properties, requiredProperties), nullable: false }
    : mapper.input(media.schema ?? {}, { base: `${hintBase}Body` });
  const type = required && !mapped.nullable ? new GraphQLNonNull(mapped.type) : mapped.type;
  const encode = (value: unknown): EncodedBody => {
    const wire = toJsonValue(value ?? {}, type);
    if (!isRecord(wire)) throw badUserInput(input.argumentName, `a ${isMultipart ? 'multipart' : 'form'} body is an object of fields, got ${JSON.stringify(wire)}`);
    return isMultipart ? encodeMultipartBody(wire, encodings) : encodeFormBody(wire, encodings);
  };
  return { kind: 'argument', type, notes, encode };
}

/** `'file'` for a binary string schema, `'files'` for a list of them, else `undefined`. */
function fileShape(document: OpenApiDocument, raw: SchemaObject): 'file' | 'files' | undefined {
  if (!isRecord(raw)) return undefined;
  const schema = typeof raw.$ref === 'string' ? dereference(document, raw) : raw;
  const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : [];
  if (types.includes('array')) return isRecord(schema.items) && fileShape(document, schema.items) === 'file' ? 'files' : undefined;
  if (types.length > 0 && !types.includes('string')) return undefined;
  const isBinary = schema.format === 'binary' || (typeof schema.contentMediaType === 'string' && schema.contentEncoding === undefined);
  return isBinary ? 'file' : undefined;
}

/**
 * The input type of a multipart body with file parts: like the body schema's own input type, but
 * file properties are `<Prefix>FilePartInput` (or lists of it). Made per operation, since the same
 * component used as a JSON body elsewhere has no files.
 */
function fileBodyType(input: RequestBodyInput, properties: Record<string, SchemaObject>, required: ReadonlySet<string>): GraphQLInputObjectType {
  const { mapper, document, hintBase } = input;
  const base = `${hintBase}Body`;
  return new GraphQLInputObjectType({
    name: mapper.inlineTypeName(base, 'input'),
    fields: () => {
      const names = new NameScope();
      const fields: GraphQLInputFieldConfigMap = {};
      for (const [jsonName, property] of Object.entries(properties)) {
        const shape = fileShape(document, property);
        const file = new GraphQLNonNull(mapper.fileInput);
        const mapped =
          shape === 'file' ? { type: mapper.fileInput, nullable: false }
          : shape === 'files' ? { type: new GraphQLList(file), nullable: false }
          : mapper.input(property, { base: `${base}${pascalCase(jsonName)}` });
        fields[names.claim(sanitizeName(jsonName))] = {
          type: required.has(jsonName) && !mapped.nullable ? new GraphQLNonNull(mapped.type) : mapped.type,
          description: isRecord(property) && typeof property.description === 'string' ? property.description : undefined,
          extensions: { jsonName },
        };
      }
      return fields;
    },
  });
}

/** The first media type of an Encoding Object's `contentType` list, unless it is a wildcard (`image/*`). */
function concreteContentType(value: unknown): string | undefined {
  const first = typeof value === 'string' ? value.split(',')[0]?.trim() : undefined;
  return first && !first.includes('*') ? first : undefined;
}
