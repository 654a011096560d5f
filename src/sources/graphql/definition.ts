import { z } from 'zod';
import { backendBase, type BackendColumns } from '../backend-base.js';
import { linkDefinition, linkInputList, mergeDefinition, mergeList, namePrefix, sdlText } from '../fields.js';

/** A GraphQL service that knows nothing about federation: its schema, prefixed, and its links and merges. */
export const graphqlBackend = backendBase.extend({
  kind: z.literal('GRAPHQL'),
  sdl: sdlText,
  sdlSource: z.enum(['INTROSPECTED', 'INLINE']),
  /** Prefix of type and root field names (`qa` → `qa_questions`, `QaQuestion`); none when null. */
  prefix: namePrefix.nullable(),
  links: z.array(linkDefinition),
  merge: z.array(mergeDefinition),
});
export type GraphQLBackend = z.infer<typeof graphqlBackend>;

const graphqlLinks = linkInputList.superRefine((links, ctx) => {
  links.forEach((link, index) => {
    if (link.operation !== undefined || link.batch !== undefined) {
      ctx.addIssue({ code: 'custom', path: [index, 'operation'], message: 'GRAPHQL links call a rootField' });
    }
  });
});

export const graphqlRegisterFields = z.object({
  sdl: sdlText.nullish(),
  prefix: namePrefix.nullish(),
  links: graphqlLinks.nullish(),
  merge: mergeList.nullish(),
});

export const graphqlUpdateFields = graphqlRegisterFields
  .extend({ refetchSdl: z.boolean().nullish() })
  .refine((input) => !(input.sdl != null && input.refetchSdl), { path: ['refetchSdl'], message: 'cannot be combined with sdl' });

const storedOptions = z.object({
  prefix: namePrefix.optional(),
  links: z.array(linkDefinition).optional(),
  merge: z.array(mergeDefinition).optional(),
});

export function graphqlFromColumns(columns: BackendColumns): unknown {
  const options = storedOptions.safeParse(columns.options);
  if (!options.success) return undefined;
  const { prefix, links = [], merge = [] } = options.data;
  return {
    name: columns.name,
    kind: columns.kind,
    url: columns.url,
    headers: columns.headers,
    forwardHeaders: columns.forwardHeaders,
    timeoutMs: columns.timeoutMs,
    maxResponseBytes: columns.maxResponseBytes,
    sdl: columns.sdl,
    sdlSource: columns.sdlSource,
    prefix: prefix ?? null,
    links,
    merge,
  };
}

export function graphqlToColumns({ prefix, links, merge, ...backend }: GraphQLBackend): BackendColumns {
  return { ...backend, openapiDocument: null, options: { ...(prefix !== null && { prefix }), links, merge } };
}
