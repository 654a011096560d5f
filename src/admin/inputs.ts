import { z } from 'zod';
import { badUserInput } from '../errors.js';
import type { BackendRegistration, BackendUpdate } from '../graph/registry.js';
import { backendName, backendUrl, forwardHeaderList, headerList, maxResponseBytes, timeoutMs } from '../sources/fields.js';
import type { RegisterBackendInput, UpdateBackendInput } from './__generated__/resolvers-types.js';

/**
 * The fields every backend kind has. The rest of an input belongs to the backend's kind, whose
 * own rules (`sources/<kind>/definition.ts`) check it.
 */
const registerCommon = z.object({
  name: backendName,
  kind: z.enum(['FEDERATION_SUBGRAPH', 'GRAPHQL', 'OPENAPI']),
  url: backendUrl,
  headers: headerList.nullish(),
  forwardHeaders: forwardHeaderList.nullish(),
  timeoutMs: timeoutMs.nullish(),
  maxResponseBytes: maxResponseBytes.nullish(),
});

const updateCommonFields = z.object({
  name: backendName,
  url: backendUrl.nullish(),
  headers: headerList.nullish(),
  forwardHeaders: forwardHeaderList.nullish(),
  timeoutMs: timeoutMs.nullish(),
  clearTimeout: z.boolean().nullish(),
  maxResponseBytes: maxResponseBytes.nullish(),
  clearMaxResponseBytes: z.boolean().nullish(),
});
const updateCommon = updateCommonFields
  .refine((input) => !(input.timeoutMs != null && input.clearTimeout), { path: ['clearTimeout'], message: 'cannot be combined with timeoutMs' })
  .refine((input) => !(input.maxResponseBytes != null && input.clearMaxResponseBytes), {
    path: ['clearMaxResponseBytes'],
    message: 'cannot be combined with maxResponseBytes',
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

/** The input's fields outside `common`, for the backend's kind to check. */
function kindFieldsOf(input: object, common: z.ZodObject): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([key]) => !(key in common.shape)));
}

export function parseRegisterBackendInput(input: RegisterBackendInput): BackendRegistration {
  const parsed = parseInput(registerCommon, input, 'input');
  return {
    name: parsed.name,
    kind: parsed.kind,
    url: parsed.url,
    headers: parsed.headers ?? {},
    forwardHeaders: parsed.forwardHeaders ?? [],
    timeoutMs: parsed.timeoutMs ?? null,
    maxResponseBytes: parsed.maxResponseBytes ?? null,
    fields: kindFieldsOf(input, registerCommon),
  };
}

export function parseUpdateBackendInput(input: UpdateBackendInput): BackendUpdate {
  const parsed = parseInput(updateCommon, input, 'input');
  return {
    name: parsed.name,
    ...(parsed.url != null && { url: parsed.url }),
    ...(parsed.headers != null && { headers: parsed.headers }),
    ...(parsed.forwardHeaders != null && { forwardHeaders: parsed.forwardHeaders }),
    ...(parsed.timeoutMs != null && { timeoutMs: parsed.timeoutMs }),
    ...(parsed.clearTimeout && { timeoutMs: null }),
    ...(parsed.maxResponseBytes != null && { maxResponseBytes: parsed.maxResponseBytes }),
    ...(parsed.clearMaxResponseBytes && { maxResponseBytes: null }),
    fields: kindFieldsOf(input, updateCommonFields),
  };
}
