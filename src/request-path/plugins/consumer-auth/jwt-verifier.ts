import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

export interface JwtVerifierOptions {
  /** Where the issuer's public keys come from: a JWKS endpoint, or one PEM public key (SPKI). */
  key: { jwksUrl: string } | { publicKeyPem: string };
  /** Required `iss`; unchecked when undefined. */
  issuer?: string | undefined;
  /** Required `aud` (one of, when the token lists several); unchecked when undefined. */
  audience?: string | undefined;
  /** Tolerance on `exp` and `nbf`, in seconds. @default 30 */
  clockSkewSeconds?: number;
  /** Claim holding the consumer's name. @default 'sub' */
  consumerClaim?: string;
  /** Claim holding the scopes: a space-separated string or an array of strings. @default 'scope' */
  scopesClaim?: string;
  /** JWKS: how long fetched keys are trusted before they are fetched again, in ms. @default 600000 */
  jwksCacheMaxAgeMs?: number;
  /** JWKS: minimum time between two fetches (a token with an unknown `kid` triggers one), in ms. @default 30000 */
  jwksCooldownMs?: number;
  /** JWKS: timeout of one fetch, in ms. @default 5000 */
  jwksTimeoutMs?: number;
}

export type JwtOutcome =
  | { ok: true; consumerName: string; scopes: string[] }
  /** `reason` is for the caller: it never contains the token. */
  | { ok: false; reason: string };

/** Signature algorithms with a public key. HS* (a shared secret) and `none` are never accepted. */
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/**
 * Verifies bearer JWTs: signature, `exp` (required), `nbf`, `iss` and `aud`, then reads the
 * consumer and scope claims. Problems with the token are outcomes the caller is told about;
 * failures on our side (JWKS endpoint down or serving garbage) are thrown, to be masked and logged.
 */
export function createJwtVerifier({
  key,
  issuer,
  audience,
  clockSkewSeconds = 30,
  consumerClaim = 'sub',
  scopesClaim = 'scope',
  jwksCacheMaxAgeMs = 600_000,
  jwksCooldownMs = 30_000,
  jwksTimeoutMs = 5_000,
}: JwtVerifierOptions): (token: string) => Promise<JwtOutcome> {
  let verificationKey: KeyObject | JWTVerifyGetKey;
  let algorithms: string[];
  if ('jwksUrl' in key) {
    verificationKey = createRemoteJWKSet(new URL(key.jwksUrl), {
      cacheMaxAge: jwksCacheMaxAgeMs,
      cooldownDuration: jwksCooldownMs,
      timeoutDuration: jwksTimeoutMs,
    });
    algorithms = ASYMMETRIC_ALGORITHMS;
  } else {
    verificationKey = createPublicKey(key.publicKeyPem);
    algorithms = algorithmsFor(verificationKey);
  }
  const verifyOptions = { algorithms, issuer, audience, clockTolerance: clockSkewSeconds, requiredClaims: ['exp'] };

  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, verificationKey, verifyOptions));
    } catch (error) {
      const reason = reasonFor(error);
      if (reason === undefined) throw error;
      return { ok: false, reason };
    }
    const consumerName = payload[consumerClaim];
    if (typeof consumerName !== 'string' || consumerName === '') {
      return { ok: false, reason: `the token has no "${consumerClaim}" claim naming a consumer` };
    }
    return { ok: true, consumerName, scopes: scopesFrom(payload[scopesClaim]) };
  };
}

function algorithmsFor(publicKey: KeyObject): string[] {
  switch (publicKey.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const curve = publicKey.asymmetricKeyDetails?.namedCurve;
      const byCurve: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
      const algorithm = curve && byCurve[curve];
      if (algorithm) return [algorithm];
      break;
    }
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
  }
  throw new Error(`The JWT public key must be RSA, EC (P-256/384/521) or Ed25519, not ${publicKey.asymmetricKeyType ?? 'unknown'}.`);
}

/** Client-facing reason for a token jose refused; undefined for failures that are not the token's fault. */
function reasonFor(error: unknown): string | undefined {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the "${error.claim}" claim is missing or not accepted`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return 'the signing algorithm is not accepted';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the issuer matches the token';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'not a well-formed JWT';
  return undefined;
}

function scopesFrom(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(/\s+/).filter(Boolean);
  if (Array.isArray(claim)) return claim.filter((scope): scope is string => typeof scope === 'string' && scope !== '');
  return [];
}
