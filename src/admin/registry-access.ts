import { forbidden } from '../errors.js';
import type { Registry } from '../graph/registry.js';
import type { AdminContext } from './context.js';

/** The registry, or FORBIDDEN in static supergraph mode where the schema comes from a file or URL. */
export function writableRegistry({ registry }: AdminContext): Registry {
  if (!registry) throw forbidden('The registry is read-only: Gatehouse serves a static supergraph (GATEHOUSE_SUPERGRAPH).');
  return registry;
}
