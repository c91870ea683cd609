/**
 * Signed OAUTHBEARER tokens (KIP-768): the broker validates a token's JWS signature against the
 * public keys of a JSON Web Key Set, `sasl.oauthbearer.jwks.endpoint.url` (a `file:` URL: the
 * keys are read at start), picking the key by the token's `kid` (or trying each when it has
 * none). RS256/384/512, PS256/384/512 and ES256/384/512 are accepted; `none` never is here.
 */
import { createPublicKey, verify, constants, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export class JwksError extends Error {}

export interface JwtKeys {
  byKid: Map<string, KeyObject>;
  all: KeyObject[];
}

/** Reads a JWKS from a `file:` URL; throws JwksError naming what is wrong. */
export function loadJwks(url: string, read: (path: string) => Buffer = readFileSync): JwtKeys {
  if (!url.startsWith('file:')) throw new JwksError(`only file: URLs are supported for the JWKS (got ${url})`);
  let doc: { keys?: unknown };
  try {
    doc = JSON.parse(read(fileURLToPath(url)).toString('utf8')) as { keys?: unknown };
  } catch (err) {
    throw new JwksError(`cannot read the JWKS at ${url}: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc.keys) || doc.keys.length === 0) throw new JwksError(`the JWKS at ${url} has no keys`);
  const keys: JwtKeys = { byKid: new Map(), all: [] };
  for (const jwk of doc.keys as Array<Record<string, unknown>>) {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk as never, format: 'jwk' });
    } catch (err) {
      throw new JwksError(`a key of the JWKS at ${url} is not a public JWK: ${(err as Error).message}`);
    }
    keys.all.push(key);
    if (typeof jwk['kid'] === 'string') keys.byKid.set(jwk['kid'], key);
  }
  return keys;
}

const HASHES: Record<string, { hash: string; kind: 'RSA' | 'PSS' | 'EC' }> = {
  RS256: { hash: 'sha256', kind: 'RSA' },
  RS384: { hash: 'sha384', kind: 'RSA' },
  RS512: { hash: 'sha512', kind: 'RSA' },
  PS256: { hash: 'sha256', kind: 'PSS' },
  PS384: { hash: 'sha384', kind: 'PSS' },
  PS512: { hash: 'sha512', kind: 'PSS' },
  ES256: { hash: 'sha256', kind: 'EC' },
  ES384: { hash: 'sha384', kind: 'EC' },
  ES512: { hash: 'sha512', kind: 'EC' },
};

/** Whether `signature` signs `signingInput` under `alg` with one of the keys (the `kid`'s if named). */
export function jwsSignatureValid(alg: unknown, kid: unknown, signingInput: string, signature: Buffer, keys: JwtKeys): boolean {
  const spec = typeof alg === 'string' ? HASHES[alg] : undefined;
  if (!spec) return false;
  const candidates = typeof kid === 'string' ? [keys.byKid.get(kid)].filter((k): k is KeyObject => k !== undefined) : keys.all;
  const data = Buffer.from(signingInput, 'ascii');
  return candidates.some((key) => {
    try {
      if (spec.kind === 'EC') return verify(spec.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      if (spec.kind === 'PSS') return verify(spec.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
      return verify(spec.hash, data, key, signature);
    } catch {
      return false;
    }
  });
}
