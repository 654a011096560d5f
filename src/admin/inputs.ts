import { z } from 'zod';
import { badUserInput } from '../errors.js';
import type { BackendPatch, BackendDefinition } from '../graph/registry.js';
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

const registerBackendInput = z.object({
  name: backendName,
  kind: z.literal('FEDERATION_SUBGRAPH'),
  url,
  headers: headers.nullish(),
  sdl: sdl.nullish(),
  timeoutMs: timeoutMs.nullish(),
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
  })
  .superRefine((input, ctx) => {
    if (input.sdl != null && input.refetchSdl) ctx.addIssue({ code: 'custom', path: ['refetchSdl'], message: 'cannot be combined with sdl' });
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

export function parseRegisterBackendInput(input: RegisterBackendInput): BackendDefinition {
  const parsed = parseInput(registerBackendInput, input, 'input');
  return {
    name: parsed.name,
    kind: parsed.kind,
    url: parsed.url,
    headers: parsed.headers ?? {},
    sdl: parsed.sdl ?? undefined,
    timeoutMs: parsed.timeoutMs ?? null,
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
  return { name: parsed.name, patch };
}
