import type { z } from 'zod';
import type { InputOutcome } from './types.js';

/** Checks a kind's own admin input fields; the first problem names its field (`links.0.operation`). */
export function parseKindFields<T>(schema: z.ZodType<T>, fields: Readonly<Record<string, unknown>>): InputOutcome<T> {
  const parsed = schema.safeParse(fields);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, field: issue.path.map(String).join('.'), message: issue.message };
}

/**
 * The fields of `fields` a kind takes; a field it does not take, given with a value, is refused
 * naming it (a federation subgraph has no `prefix`, a REST backend no `sdl`…).
 */
export function pickKindFields(fields: Readonly<Record<string, unknown>>, allowed: readonly string[], kind: string): InputOutcome<Record<string, unknown>> {
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (allowed.includes(key)) picked[key] = value;
    else if (value !== null && value !== undefined) {
      return { ok: false, field: key, message: `is not available for ${kind} backends (${describeAllowed(allowed)})` };
    }
  }
  return { ok: true, value: picked };
}

function describeAllowed(allowed: readonly string[]): string {
  return allowed.length ? `their own fields are ${allowed.join(', ')}` : 'they take none besides url, headers and timeoutMs';
}
