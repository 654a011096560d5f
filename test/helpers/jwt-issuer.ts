import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { closeServer, listen } from '../../subgraphs/lib/serve.js';

export const TEST_ISSUER = 'https://issuer.test';
export const TEST_AUDIENCE = 'gatehouse-test';

export interface TokenOptions {
  /** @default 'RS256' */
  alg?: string;
  /** @default TEST_AUDIENCE */
  audience?: string;
  /** Expiry as a jose time span (`'5m'`) or epoch seconds. @default '5m' */
  expiresAt?: string | number;
  /** Signed with another key under the same `kid`: a signature that does not verify. */
  wrongKey?: boolean;
}

/** A real JWKS endpoint on 127.0.0.1 serving one RS256 public key, and tokens signed with it. */
export interface JwtIssuer extends AsyncDisposable {
  /** The JWKS URL (`GATEHOUSE_JWT_JWKS_URL`). */
  jwksUrl: string;
  /** Settings that make Gatehouse trust this issuer. */
  env: Record<string, string>;
  /** How many times the JWKS was fetched. */
  readonly fetchCount: number;
  sign(claims: JWTPayload, options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

const KID = 'test-key-1';

export async function startJwtIssuer(): Promise<JwtIssuer> {
  const [signing, impostor] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('RS256')]);
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(signing.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] });
  let fetchCount = 0;
  const server = createServer((_req, res) => {
    fetchCount++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await listen(server, 0, '127.0.0.1');
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  const close = () => closeServer(server);
  return {
    jwksUrl,
    env: { GATEHOUSE_JWT_JWKS_URL: jwksUrl, GATEHOUSE_JWT_ISSUER: TEST_ISSUER, GATEHOUSE_JWT_AUDIENCE: TEST_AUDIENCE },
    get fetchCount() {
      return fetchCount;
    },
    sign(claims, { alg = 'RS256', audience = TEST_AUDIENCE, expiresAt = '5m', wrongKey = false } = {}) {
      const key: CryptoKey = wrongKey ? impostor.privateKey : signing.privateKey;
      return new SignJWT(claims)
        .setProtectedHeader({ alg, kid: KID, typ: 'JWT' })
        .setIssuer(TEST_ISSUER)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(expiresAt)
        .sign(key);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A JWT with `alg: none` and no signature, built by hand (jose refuses to make one for verification). */
export function unsignedToken(claims: JWTPayload): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now, exp: now + 300, ...claims })}.`;
}
