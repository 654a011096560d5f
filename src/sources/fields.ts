import { z } from 'zod';
import { IDENTITY_HEADER_NAMES } from './identity-headers.js';

/**
 * The rules of the fields backends are described with, shared by every kind: the admin API
 * checks its input with them, and the store checks the rows it reads back with them.
 */

export const backendName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must match ^[a-z][a-z0-9_-]{0,62}$ (lower-case letter first, at most 63 characters)');

// RFC 9110 token characters; values must not carry control characters (header injection).
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, 'is not a valid HTTP header name');
const headerValue = z
  .string()
  .max(8192, 'is longer than 8192 characters')
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  .regex(/^[^\u0000-\u0008\u000a-\u001f\u007f]*$/, 'contains control characters');
// Hop-by-hop and framing headers are the gateway's to set, not the admin's; so are the headers
// that tell a backend who is calling (`identity-headers.ts`), or a backend could be told a lie.
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  ...IDENTITY_HEADER_NAMES,
]);

/** Headers as admins give them (a list of name/value pairs), as a record with lower-case names. */
export const headerList = z
  .array(z.object({ name: headerName, value: headerValue }))
  .max(50, 'at most 50 headers')
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((header, index) => {
      const lower = header.name.toLowerCase();
      if (RESERVED_HEADERS.has(lower)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${header.name}" is set by the gateway` });
      if (seen.has(lower)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${header.name}" is given twice` });
      seen.add(lower);
    });
  })
  .transform((list) => Object.fromEntries(list.map((header) => [header.name.toLowerCase(), header.value])));

/**
 * Client headers a backend is sent (`forwardHeaders`), as admins list them: names only, stored in
 * lower case. The gateway's own headers (identity, framing) can't be listed: a client could then
 * name the consumer itself.
 */
export const forwardHeaderList = z
  .array(headerName)
  .max(50, 'at most 50 headers')
  .superRefine((names, ctx) => {
    const seen = new Set<string>();
    names.forEach((name, index) => {
      const lower = name.toLowerCase();
      if (RESERVED_HEADERS.has(lower)) ctx.addIssue({ code: 'custom', path: [index], message: `"${name}" is set by the gateway and cannot be forwarded` });
      if (seen.has(lower)) ctx.addIssue({ code: 'custom', path: [index], message: `"${name}" is given twice` });
      seen.add(lower);
    });
  })
  .transform((names) => names.map((name) => name.toLowerCase()));

/** Forwarded header names as stored: lower case. */
export const forwardHeaderNames = z.array(z.string());

/** Headers as stored: lower-case names to values. */
export const headerRecord = z.record(z.string(), z.string());

export const backendUrl = z.string().min(1, 'is required').max(2048, 'is longer than 2048 characters');
export const timeoutMs = z.number().int('must be an integer').min(1, 'must be at least 1').max(600_000, 'must be at most 600000');
export const maxResponseBytes = z.number().int('must be an integer').min(1024, 'must be at least 1024').max(1_073_741_824, 'must be at most 1073741824 (1 GiB)');
export const sdlText = z.string().min(1, 'is empty').max(5_000_000, 'is larger than 5 MB');
export const graphqlName = z.string().regex(/^[_A-Za-z][_0-9A-Za-z]{0,127}$/, 'is not a GraphQL name');
export const namePrefix = z.string().regex(/^[a-z][A-Za-z0-9]{0,30}$/, 'must match ^[a-z][A-Za-z0-9]{0,30}$ (a camelCase word)');

/** How an SDL or document was obtained. */
export const descriptionOrigin = z.enum(['INTROSPECTED', 'INLINE', 'DOCUMENT_URL']);
export type DescriptionOrigin = z.infer<typeof descriptionOrigin>;

/**
 * `type.field` is resolved by the backend that declares the link: an OpenAPI operation, a batch
 * operation taking many keys, or a root field of a plain GraphQL backend, called with arguments
 * taken from fields of the parent object.
 */
export const linkDefinition = z.object({
  type: graphqlName,
  field: graphqlName,
  /** OPENAPI: the operationId (as in the document). */
  operation: z.string().min(1).max(256).optional(),
  /** GRAPHQL: the root Query field (as the backend names it, before any prefix). */
  rootField: graphqlName.optional(),
  /** Operation argument → field of the parent type it is taken from. */
  arguments: z.record(graphqlName, graphqlName),
  /** OPENAPI: an operation taking many keys at once; answers a list in the order of the keys. */
  batch: z
    .object({ operation: z.string().min(1).max(256), argument: graphqlName, maxBatchSize: z.number().int().min(1).max(1000) })
    .optional(),
});
export type LinkDefinition = z.infer<typeof linkDefinition>;

/** Links as admins give them: arguments as a list, one target, the batch size defaulted. */
export const linkInputList = z
  .array(
    z
      .object({
        type: graphqlName,
        field: graphqlName,
        operation: z.string().min(1).max(256).nullish(),
        rootField: graphqlName.nullish(),
        arguments: z
          .array(z.object({ name: graphqlName, fromField: graphqlName }))
          .min(1, 'needs at least one argument (the key taken from the parent)')
          .max(10, 'at most 10 arguments'),
        batch: z
          .object({
            operation: z.string().min(1).max(256),
            argument: graphqlName,
            maxBatchSize: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').nullish(),
          })
          .nullish(),
      })
      .superRefine((value, ctx) => {
        const targets = [value.operation, value.rootField, value.batch].filter((target) => target != null).length;
        if (targets !== 1) ctx.addIssue({ code: 'custom', path: ['operation'], message: 'give exactly one of operation, rootField or batch' });
      })
      .transform(
        (value): LinkDefinition => ({
          type: value.type,
          field: value.field,
          ...(value.operation != null && { operation: value.operation }),
          ...(value.rootField != null && { rootField: value.rootField }),
          arguments: Object.fromEntries(value.arguments.map((argument) => [argument.name, argument.fromField])),
          ...(value.batch != null && {
            batch: { operation: value.batch.operation, argument: value.batch.argument, maxBatchSize: value.batch.maxBatchSize ?? 100 },
          }),
        }),
      ),
  )
  .max(100, 'at most 100 links');

/** A GRAPHQL backend's type merged with the type of the same name elsewhere in the graph, by a key. */
export const mergeDefinition = z.object({
  type: graphqlName,
  /** Root Query field (as the backend names it) returning the type for one key. */
  rootField: graphqlName,
  /** Field of the type holding the key, e.g. `upc`. */
  keyField: graphqlName,
  /** Argument of `rootField` taking the key. */
  argument: graphqlName,
});
export type MergeDefinition = z.infer<typeof mergeDefinition>;
export const mergeList = z.array(mergeDefinition).max(100, 'at most 100 merged types');
