import { z } from 'zod';
import { backendBase, type BackendColumns } from '../backend-base.js';
import { linkDefinition, linkInputList, namePrefix } from '../fields.js';

// GATEHOUSE_MAX_OPENAPI_DOCUMENT_BYTES limits documents when they are parsed; this only bounds
// what the admin API's body limit would let through anyway.
const documentText = z.string().min(1, 'is empty').max(100_000_000, 'is larger than 100 MB');

/** A REST service described by an OpenAPI 3 document: each operation becomes a field. */
export const openApiBackend = backendBase.extend({
  kind: z.literal('OPENAPI'),
  /** The OpenAPI document (JSON or YAML text) the fields are generated from. */
  document: documentText,
  /** Where the document was fetched from; null when it was given inline. */
  documentUrl: z.string().nullable(),
  /** Prefix of type and root field names (default: the backend name in camelCase). */
  prefix: namePrefix,
  links: z.array(linkDefinition),
  /** Include the backend's status and body in errors (debugging only). */
  exposeErrors: z.boolean(),
});
export type OpenApiBackend = z.infer<typeof openApiBackend>;

const openApiLinks = linkInputList.superRefine((links, ctx) => {
  links.forEach((link, index) => {
    if (link.rootField !== undefined) ctx.addIssue({ code: 'custom', path: [index, 'rootField'], message: 'OPENAPI links call an operation' });
  });
});

export const openApiRegisterFields = z.object({
  openapi: z.string({ error: 'is required for an OPENAPI backend (a URL or the document)' }).pipe(documentText),
  prefix: namePrefix.nullish(),
  links: openApiLinks.nullish(),
  exposeErrors: z.boolean().nullish(),
});

export const openApiUpdateFields = z
  .object({
    openapi: documentText.nullish(),
    refetchSdl: z.boolean().nullish(),
    prefix: namePrefix.nullish(),
    links: openApiLinks.nullish(),
    exposeErrors: z.boolean().nullish(),
  })
  .refine((input) => !(input.openapi != null && input.refetchSdl), { path: ['refetchSdl'], message: 'cannot be combined with openapi' });

const storedOptions = z.object({
  prefix: namePrefix.optional(),
  links: z.array(linkDefinition).optional(),
  exposeErrors: z.boolean().optional(),
  openapiUrl: z.string().optional(),
});

/** Whether an `openapi` value is the URL of the document rather than the document itself. */
export function isDocumentUrl(value: string): boolean {
  return /^https?:\/\//i.test(value.trim());
}

/** A backend name as a GraphQL name prefix: `rest-pricing` → `restPricing`. */
export function defaultPrefix(backendName: string): string {
  return backendName.replace(/[-_]+([a-z0-9])/g, (_match, next: string) => next.toUpperCase());
}

export function openApiFromColumns(columns: BackendColumns): unknown {
  const options = storedOptions.safeParse(columns.options);
  if (!options.success) return undefined;
  const { prefix, links = [], exposeErrors = false, openapiUrl } = options.data;
  return {
    name: columns.name,
    kind: columns.kind,
    url: columns.url,
    headers: columns.headers,
    forwardHeaders: columns.forwardHeaders,
    timeoutMs: columns.timeoutMs,
    maxResponseBytes: columns.maxResponseBytes,
    document: columns.openapiDocument,
    documentUrl: openapiUrl ?? null,
    prefix: prefix ?? defaultPrefix(columns.name),
    links,
    exposeErrors,
  };
}

export function openApiToColumns({ document, documentUrl, prefix, links, exposeErrors, ...backend }: OpenApiBackend): BackendColumns {
  return {
    ...backend,
    sdl: '',
    sdlSource: documentUrl === null ? 'INLINE' : 'DOCUMENT_URL',
    openapiDocument: document,
    options: { prefix, links, exposeErrors, ...(documentUrl !== null && { openapiUrl: documentUrl }) },
  };
}
