import { z } from 'zod';
import { TRUSTED_DOCUMENT_HASH_PATTERN } from '../consumers/trusted-documents.js';
import { badUserInput } from '../errors.js';
import type { PlanInput, PlanPatch } from '../consumers/types.js';
import type {
  CreateConsumerInput,
  CreatePlanInput,
  IssueApiKeyInput,
  QueryConsumersArgs,
  RotateApiKeyInput,
  UpdateConsumerInput,
  UpdatePlanInput,
} from './__generated__/resolvers-types.js';
import { parseInput } from './inputs.js';

// Checks of the API-management inputs (plans, consumers, keys, trusted documents);
// each failure is BAD_USER_INPUT naming the field, e.g. `input.rateLimitPoints`.

const planName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must match ^[a-z][a-z0-9_-]{0,62}$ (lower-case letter first, at most 63 characters)');
const consumerName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'must match ^[a-z0-9][a-z0-9._-]{0,127}$ (at most 128 characters)');

// GraphQL's Int is 32-bit, like the columns.
const limit = z.number({ error: 'must be an integer' }).int('must be an integer').min(1, 'must be at least 1');
const windowSeconds = z.number({ error: 'must be an integer' }).int('must be an integer').min(1, 'must be at least 1').max(86_400, 'must be at most 86400');
const quotaPeriod = z.enum(['DAY', 'MONTH'], { error: 'must be DAY or MONTH' });
const flag = z.boolean({ error: 'must be true or false' });

const createPlanInput = z.object({
  name: planName,
  rateLimitPoints: limit.nullish(),
  rateLimitWindowSeconds: windowSeconds.default(1),
  quotaPeriod: quotaPeriod.default('MONTH'),
  quotaCostPoints: limit.nullish(),
  quotaRequests: limit.nullish(),
  maxCost: limit.nullish(),
  maxDepth: limit.nullish(),
  introspectionAllowed: flag.default(false),
  trustedDocumentsOnly: flag.default(false),
});

// Absent = keep, null = remove the limit; the settings that always have a value refuse null.
const updatePlanInput = z.object({
  name: planName,
  rateLimitPoints: limit.nullable().optional(),
  rateLimitWindowSeconds: windowSeconds.optional(),
  quotaPeriod: quotaPeriod.optional(),
  quotaCostPoints: limit.nullable().optional(),
  quotaRequests: limit.nullable().optional(),
  maxCost: limit.nullable().optional(),
  maxDepth: limit.nullable().optional(),
  introspectionAllowed: flag.optional(),
  trustedDocumentsOnly: flag.optional(),
});

const createConsumerInput = z.object({ name: consumerName, plan: planName });

const updateConsumerInput = z.object({
  name: consumerName,
  plan: planName.optional(),
  disabled: flag.optional(),
});

// Ids are uuids (crypto.randomUUID); anything else cannot name a key, and would be a database error.
const apiKeyId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'is not an API key id');

const label = z
  .string()
  .min(1, 'is empty')
  .max(200, 'is longer than 200 characters')
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'contains control characters');

const issueApiKeyInput = z.object({
  consumer: consumerName,
  label: label.nullish(),
  expiresAt: z.date({ error: 'is not a valid date-time' }).nullish(),
});

const rotateApiKeyInput = z.object({
  id: apiKeyId,
  overlapSeconds: z.number().int('must be an integer').min(0, 'must be at least 0').max(2_592_000, 'must be at most 2592000').default(3600),
});

const page = z.object({
  first: z.number().int('must be an integer').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
  after: z.string().nullish(),
});

const trustedDocuments = z
  .array(z.string().min(1, 'is empty').max(1_000_000, 'is larger than 1 MB'))
  .min(1, 'must hold at least one document')
  .max(1000, 'at most 1000 documents at once');
const trustedDocumentHash = z.string().regex(TRUSTED_DOCUMENT_HASH_PATTERN, 'must be sha256: followed by 64 lower-case hex digits');

export function parsePlanName(value: unknown, field = 'name'): string {
  return parseInput(planName, value, field);
}

export function parseConsumerName(value: unknown, field = 'name'): string {
  return parseInput(consumerName, value, field);
}

export function parseCreatePlanInput(input: CreatePlanInput): PlanInput {
  const parsed = parseInput(createPlanInput, input, 'input');
  return {
    ...parsed,
    rateLimitPoints: parsed.rateLimitPoints ?? null,
    quotaCostPoints: parsed.quotaCostPoints ?? null,
    quotaRequests: parsed.quotaRequests ?? null,
    maxCost: parsed.maxCost ?? null,
    maxDepth: parsed.maxDepth ?? null,
  };
}

export function parseUpdatePlanInput(input: UpdatePlanInput): { name: string; patch: PlanPatch } {
  const { name, ...patch } = parseInput(updatePlanInput, input, 'input');
  return { name, patch };
}

export function parseCreateConsumerInput(input: CreateConsumerInput): { name: string; plan: string } {
  return parseInput(createConsumerInput, input, 'input');
}

export function parseUpdateConsumerInput(input: UpdateConsumerInput): { name: string; plan?: string; disabled?: boolean } {
  return parseInput(updateConsumerInput, input, 'input');
}

export function parseIssueApiKeyInput(input: IssueApiKeyInput, now: Date): { consumer: string; label: string | null; expiresAt: Date | null } {
  const parsed = parseInput(issueApiKeyInput, input, 'input');
  // A key that is dead on arrival is a mistake; rotateApiKey is how a key is made to expire.
  if (parsed.expiresAt && parsed.expiresAt <= now) throw badUserInput('input.expiresAt', 'must be in the future');
  return { consumer: parsed.consumer, label: parsed.label ?? null, expiresAt: parsed.expiresAt ?? null };
}

export function parseRotateApiKeyInput(input: RotateApiKeyInput): { id: string; overlapSeconds: number } {
  return parseInput(rotateApiKeyInput, input, 'input');
}

export function parseApiKeyId(value: unknown, field = 'id'): string {
  return parseInput(apiKeyId, value, field);
}

export function parsePage(args: QueryConsumersArgs): { first: number; after: string | null } {
  // Arguments, not an input object: the field is the argument's name (`first`).
  const parsed = parseInput(page, args, '');
  return { first: parsed.first, after: parsed.after ?? null };
}

export function parseTrustedDocuments(value: unknown): string[] {
  return parseInput(trustedDocuments, value, 'documents');
}

export function parseTrustedDocumentHash(value: unknown, field = 'hash'): string {
  return parseInput(trustedDocumentHash, value, field);
}
