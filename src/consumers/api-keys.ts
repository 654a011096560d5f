import { createHash, randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PREFIX = 'gh_live_';
const ID_LENGTH = 8;
/** 32 base62 characters ≈ 190 bits of secret. */
const SECRET_LENGTH = 32;

/**
 * A well-formed API key: `gh_live_<8 base62>_<32+ base62>`. Checking the shape
 * first spares a store lookup for anything else sent as a key.
 */
export const API_KEY_PATTERN = /^gh_live_[0-9A-Za-z]{8}_[0-9A-Za-z]{32,}$/;

export interface GeneratedApiKey {
  /** The plaintext: handed to the admin once, never stored or logged. */
  key: string;
  /** `gh_live_<8 chars>`: public, tells keys apart in the admin API and in logs. */
  prefix: string;
  /** What the store keeps: `hashApiKey(key)`. */
  keyHash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = `${KEY_PREFIX}${randomBase62(ID_LENGTH)}`;
  const key = `${prefix}_${randomBase62(SECRET_LENGTH)}`;
  return { key, prefix, keyHash: hashApiKey(key) };
}

/**
 * SHA-256 (hex) of the whole key, as stored in `api_keys.key_hash`. A fast hash
 * is enough: the keys are random with ~190 bits of entropy, so there is no
 * dictionary to try and a slow password hash (bcrypt, scrypt) would only cost
 * every authentication cache miss without making guessing any harder.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The public prefix of a well-formed key (`gh_live_<8 chars>`), or undefined. */
export function apiKeyPrefix(key: string): string | undefined {
  return API_KEY_PATTERN.test(key) ? key.slice(0, KEY_PREFIX.length + ID_LENGTH) : undefined;
}

function randomBase62(length: number): string {
  let text = '';
  // randomInt draws without modulo bias.
  for (let i = 0; i < length; i++) text += BASE62[randomInt(BASE62.length)];
  return text;
}

export type ApiKeyStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED';

/** Revocation wins over expiry; a key expires at the instant of `expiresAt`. */
export function apiKeyStatus(key: { expiresAt: Date | null; revokedAt: Date | null }, now: Date): ApiKeyStatus {
  if (key.revokedAt) return 'REVOKED';
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return 'ACTIVE';
}
