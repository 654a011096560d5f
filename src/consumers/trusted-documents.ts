import { createHash } from 'node:crypto';

/**
 * `sha256:<hex>` of the exact document text, the form Hive's and Apollo's
 * persisted-document manifests use; no normalisation, so clients can compute it.
 */
export function trustedDocumentHash(document: string): string {
  return `sha256:${createHash('sha256').update(document, 'utf8').digest('hex')}`;
}

/** A well-formed trusted-document hash. */
export const TRUSTED_DOCUMENT_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
