import { z } from 'zod';
import { badUserInput } from '../errors.js';
import type { BackendPatch, BackendDefinition } from '../graph/registry.js';
import type { BackendOptions, LinkDefinition } from '../store/types.js';
import type { RegisterBackendInput, UpdateBackendInput } from './__generated__/resolvers-types.js';

const backendName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must match ^[a-z][a-z0-9_-]{0,62}$ (lower-case letter first, at most 63 characters)');

// RFC 9110 token characters; values must not carry control characters (header injection).
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, 'is not a valid HTTP header name');
const headerValue = z
  .string()
  .max(8192, 'is longer than 8192 characters')
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  .regex(/^[^\u0000-\u0008\u000a-\u001f\u007f]*$/, 'contains control characters');
// Hop-by-hop and framing headers are the gateway's to set, not the admin's.
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer', 'keep-alive']);

const headers = z
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

const url = z.string().min(1, 'is required').max(2048, 'is longer than 2048 characters');
const sdl = z.string().min(1, 'is empty').max(5_000_000, 'is larger than 5 MB');
const timeoutMs = z.number().int('must be an integer').min(1, 'must be at least 1').max(600_000, 'must be at most 600000');

const graphqlName = z.string().regex(/^[_A-Za-z][_0-9A-Za-z]{0,127}$/, 'is not a GraphQL name');
const prefix = z.string().regex(/^[a-z][A-Za-z0-9]{0,30}$/, 'must match ^[a-z][A-Za-z0-9]{0,30}$ (a camelCase word)');
const openapi = z.string().min(1, 'is empty').max(10_000_000, 'is larger than 10 MB');

const link = z
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
  );
const links = z.array(link).max(100, 'at most 100 links');
const merge = z
  .array(z.object({ type: graphqlName, rootField: graphqlName, keyField: graphqlName, argument: graphqlName }))
  .max(100, 'at most 100 merged types');

/** Fields of REST and plain GraphQL backends, the same when registering and updating. */
const sourceFields = {
  openapi: openapi.nullish(),
  prefix: prefix.nullish(),
  links: links.nullish(),
  exposeErrors: z.boolean().nullish(),
  merge: merge.nullish(),
};

const registerBackendInput = z
  .object({
    name: backendName,
    kind: z.enum(['FEDERATION_SUBGRAPH', 'GRAPHQL', 'OPENAPI']),
    url,
    headers: headers.nullish(),
    sdl: sdl.nullish(),
    timeoutMs: timeoutMs.nullish(),
    ...sourceFields,
  })
  .superRefine((input, ctx) => {
    if (input.merge != null && input.kind !== 'GRAPHQL') ctx.addIssue({ code: 'custom', path: ['merge'], message: 'is only for GRAPHQL backends' });
    const isOpenApi = input.kind === 'OPENAPI';
    if (isOpenApi && input.openapi == null) ctx.addIssue({ code: 'custom', path: ['openapi'], message: 'is required for an OPENAPI backend (a URL or the document)' });
    if (!isOpenApi && input.openapi != null) ctx.addIssue({ code: 'custom', path: ['openapi'], message: 'is only for OPENAPI backends' });
    if (isOpenApi && input.sdl != null) ctx.addIssue({ code: 'custom', path: ['sdl'], message: 'is not used by OPENAPI backends; give the document as openapi' });
    if (input.kind === 'FEDERATION_SUBGRAPH') {
      for (const key of ['prefix', 'links'] as const) {
        if (input[key] != null) ctx.addIssue({ code: 'custom', path: [key], message: 'is not available for federation subgraphs (they compose by @key)' });
      }
    }
    input.links?.forEach((value, index) => {
      if (isOpenApi && value.rootField) ctx.addIssue({ code: 'custom', path: ['links', index, 'rootField'], message: 'OPENAPI links call an operation' });
      if (!isOpenApi && (value.operation || value.batch)) ctx.addIssue({ code: 'custom', path: ['links', index, 'operation'], message: 'GRAPHQL links call a rootField' });
    });
  });

const updateBackendInput = z
  .object({
    name: backendName,
    url: url.nullish(),
    headers: headers.nullish(),
    sdl: sdl.nullish(),
    refetchSdl: z.boolean().nullish(),
    timeoutMs: timeoutMs.nullish(),
    clearTimeout: z.boolean().nullish(),
    ...sourceFields,
  })
  .superRefine((input, ctx) => {
    if ((input.sdl != null || input.openapi != null) && input.refetchSdl) ctx.addIssue({ code: 'custom', path: ['refetchSdl'], message: 'cannot be combined with sdl or openapi' });
    if (input.timeoutMs != null && input.clearTimeout) ctx.addIssue({ code: 'custom', path: ['clearTimeout'], message: 'cannot be combined with timeoutMs' });
  });

/** Parses with `schema`, or throws BAD_USER_INPUT naming the first bad field (`input.headers.0.name`). */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, root: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  // An empty root names arguments directly (`first`) rather than an input object's fields.
  const field = [root, ...issue.path.map(String)].filter(Boolean).join('.');
  throw badUserInput(field, issue.message);
}

export function parseBackendName(value: unknown, field = 'name'): string {
  return parseInput(backendName, value, field);
}

/** The options given (absent and null ones left out, so an update keeps the stored ones). */
function sourceOptions(parsed: { prefix?: string | null; links?: LinkDefinition[] | null; exposeErrors?: boolean | null; merge?: BackendOptions['merge'] | null }): BackendOptions {
  return {
    ...(parsed.prefix != null && { prefix: parsed.prefix }),
    ...(parsed.links != null && { links: parsed.links }),
    ...(parsed.exposeErrors != null && { exposeErrors: parsed.exposeErrors }),
    ...(parsed.merge != null && { merge: parsed.merge }),
  };
}

export function parseRegisterBackendInput(input: RegisterBackendInput): BackendDefinition {
  const parsed = parseInput(registerBackendInput, input, 'input');
  return {
    name: parsed.name,
    kind: parsed.kind,
    url: parsed.url,
    headers: parsed.headers ?? {},
    sdl: parsed.sdl ?? undefined,
    openapi: parsed.openapi ?? undefined,
    timeoutMs: parsed.timeoutMs ?? null,
    options: sourceOptions(parsed),
  };
}

export function parseUpdateBackendInput(input: UpdateBackendInput): { name: string; patch: BackendPatch } {
  const parsed = parseInput(updateBackendInput, input, 'input');
  const patch: BackendPatch = {};
  if (parsed.url != null) patch.url = parsed.url;
  if (parsed.headers != null) patch.headers = parsed.headers;
  if (parsed.sdl != null) patch.sdl = parsed.sdl;
  if (parsed.refetchSdl) patch.sdl = null;
  if (parsed.timeoutMs != null) patch.timeoutMs = parsed.timeoutMs;
  if (parsed.clearTimeout) patch.timeoutMs = null;
  if (parsed.openapi != null) patch.openapi = parsed.openapi;
  if (parsed.refetchSdl) patch.openapi = null;
  const options = sourceOptions(parsed);
  if (Object.keys(options).length) patch.options = options;
  return { name: parsed.name, patch };
}
