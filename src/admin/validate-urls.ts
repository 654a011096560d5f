import { isDocumentUrl } from '../sources/openapi/definition.js';
import type { AdminContext } from './context.js';

/** Checks the addresses an input names (the backend, an OpenAPI document URL) before anything is fetched. */
export async function validateBackendUrls(context: AdminContext, { url, openapi }: { url?: string | null; openapi?: string | null }): Promise<void> {
  if (url != null) await context.validateBackendUrl(url);
  if (openapi != null && isDocumentUrl(openapi)) await context.validateBackendUrl(openapi.trim(), 'input.openapi');
}
