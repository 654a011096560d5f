import { GraphQLError, GraphQLInputObjectType, GraphQLNonNull, GraphQLScalarType, GraphQLString, Kind } from 'graphql';

/**
 * A file sent as one part of a `multipart/form-data` body (a `format: binary` property), as the
 * client gives it: the bytes in base64 inside ordinary JSON variables.
 *
 * Why not the GraphQL multipart request spec's `Upload` scalar: it needs a multipart parser on
 * `/graphql` (the CSRF rule refuses such requests from browsers), and a stream cannot pass through
 * the query planner, retries, persisted documents or the request-size limit. Base64 in a variable
 * works with every client and transport, costs a third more bytes, and is bounded by
 * `GATEHOUSE_MAX_BODY_BYTES` like any other request.
 */
export interface FileValue {
  base64: string;
  filename?: string | null;
  contentType?: string | null;
}

const base64Text = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;

/** Whether `text` is base64 (standard or URL-safe alphabet, padding optional, whitespace ignored). */
export function isBase64(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  return base64Text.test(compact) && compact.replace(/=+$/, '').length % 4 !== 1;
}

/** The `<Prefix>Base64` scalar and the `<Prefix>FilePartInput` type that uses it. */
export function createFilePartType(typeName: string, scalarName: string): GraphQLInputObjectType {
  const refuse = () => new GraphQLError(`${scalarName} expects base64 text (RFC 4648, standard or URL-safe alphabet).`);
  const base64 = new GraphQLScalarType({
    name: scalarName,
    description: 'Bytes as base64 text (RFC 4648; the URL-safe alphabet and missing padding are accepted).',
    serialize: (value) => value,
    parseValue: (value) => {
      if (typeof value !== 'string' || !isBase64(value)) throw refuse();
      return value;
    },
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING || !isBase64(ast.value)) throw refuse();
      return ast.value;
    },
  });
  return new GraphQLInputObjectType({
    name: typeName,
    description: 'A file to upload as one part of a multipart/form-data request.',
    fields: {
      base64: { type: new GraphQLNonNull(base64), description: 'The file content.' },
      filename: { type: GraphQLString, description: "The part's filename. Defaults to the property's name." },
      contentType: { type: GraphQLString, description: "The part's Content-Type. Defaults to the document's, else application/octet-stream." },
    },
  });
}

export function isFileValue(value: unknown): value is FileValue {
  return typeof value === 'object' && value !== null && typeof (value as FileValue).base64 === 'string';
}
