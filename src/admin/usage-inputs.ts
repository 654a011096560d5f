import { z } from 'zod';
import type { AuditFilter } from '../audit/types.js';
import type { UsageQuery } from '../usage/index.js';
import type { QueryAuditLogArgs, QueryUsageArgs } from './__generated__/resolvers-types.js';
import { parseInput } from './inputs.js';

// Checks of the analytics and audit log arguments; each failure is BAD_USER_INPUT naming the
// argument, e.g. `filter.from`.

const date = z.date({ error: 'must be an ISO-8601 date-time' }).refine((value) => !Number.isNaN(value.getTime()), 'must be an ISO-8601 date-time');
const name = z.string().min(1, 'must not be empty').max(500, 'must be at most 500 characters');
/** `Type.field` or `Type.field.argument` (or a type's name alone). */
const coordinate = z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*){0,2}$/, 'must be a schema coordinate such as Product.price');

const usageArgs = z
  .object({
    filter: z
      .object({
        consumer: name.nullish(),
        plan: name.nullish(),
        operation: name.nullish(),
        backend: name.nullish(),
        field: coordinate.nullish(),
        from: date.nullish(),
        to: date.nullish(),
      })
      .nullish(),
    groupBy: z.array(z.enum(['CONSUMER', 'OPERATION', 'FIELD', 'BACKEND', 'ERROR_CODE', 'PLAN'])).nullish(),
    interval: z.enum(['MINUTE', 'HOUR', 'DAY']).nullish(),
    first: z.number().int('must be an integer').min(1, 'must be at least 1').max(10_000, 'must be at most 10000').default(1_000),
  })
  .superRefine((args, ctx) => {
    const { from, to } = args.filter ?? {};
    if (from && to && from >= to) ctx.addIssue({ code: 'custom', path: ['filter', 'to'], message: 'must be after filter.from' });
  });

const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

export function parseUsageArgs(args: QueryUsageArgs): UsageQuery {
  const parsed = parseInput(usageArgs, args, '');
  const filter = parsed.filter ?? {};
  return {
    filter: {
      consumer: orUndefined(filter.consumer),
      plan: orUndefined(filter.plan),
      operation: orUndefined(filter.operation),
      backend: orUndefined(filter.backend),
      coordinates: filter.field ? { exact: [filter.field], prefixes: [] } : undefined,
    },
    fromMs: filter.from?.getTime(),
    toMs: filter.to?.getTime(),
    groupBy: parsed.groupBy ?? [],
    interval: parsed.interval ?? null,
    first: parsed.first,
  };
}

export function parseCoordinate(value: unknown): string {
  return parseInput(coordinate, value, 'coordinate');
}

export function parseSince(value: unknown): Date | undefined {
  return parseInput(date.nullish(), value, 'since') ?? undefined;
}

const auditArgs = z.object({
  first: z.number().int('must be an integer').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
  after: z.string().nullish(),
  filter: z
    .object({ action: name.nullish(), target: name.nullish(), from: date.nullish(), to: date.nullish() })
    .nullish(),
});

export function parseAuditLogArgs(args: QueryAuditLogArgs): { first: number; after: string | null; filter: AuditFilter } {
  const parsed = parseInput(auditArgs, args, '');
  const filter = parsed.filter ?? {};
  return {
    first: parsed.first,
    after: parsed.after ?? null,
    filter: { action: orUndefined(filter.action), target: orUndefined(filter.target), from: orUndefined(filter.from), to: orUndefined(filter.to) },
  };
}
