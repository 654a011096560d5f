import { badUserInput, compositionFailed, forbidden, notFound } from '../errors.js';
import type { Registry, RegistryOutcome } from '../graph/registry.js';
import type { AdminContext } from './context.js';

/** The registry, or FORBIDDEN in static supergraph mode where the schema comes from a file or URL. */
export function writableRegistry({ registry }: AdminContext): Registry {
  if (!registry) throw forbidden('The registry is read-only: Gatehouse serves a static supergraph (GATEHOUSE_SUPERGRAPH).');
  return registry;
}

/**
 * A registry outcome at the edge of the admin API: the value, or the refusal as the GraphQL error
 * the admin sees (`BAD_USER_INPUT` / `NOT_FOUND` naming the field under `root`, `COMPOSITION_FAILED`).
 */
export function answerOf<T>(outcome: RegistryOutcome<T>, root = 'input'): T {
  if (outcome.ok) return outcome.value;
  const { refusal } = outcome;
  switch (refusal.kind) {
    case 'composition':
      throw compositionFailed(refusal.errors);
    case 'not-found':
      throw notFound([root, refusal.field].filter(Boolean).join('.'), refusal.message);
    case 'input':
      throw badUserInput([root, refusal.field].filter(Boolean).join('.'), refusal.message);
  }
}
