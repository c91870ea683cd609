/** A SASL client for tests on top of RawClient: SaslHandshake v1 + SaslAuthenticate v2 (PLAIN, SCRAM). */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { RawClient } from '../helpers/raw-client.js';
import { saltPassword, type ScramMechanism } from '../../src/security/scram.js';

export interface AuthResult {
  errorCode: number;
  errorMessage: string | null;
}

export async function handshake(client: RawClient, mechanism: string): Promise<number> {
  const response = await client.request<{ errorCode: number }>(17, 1, { mechanism });
  return response.errorCode;
}

export function authenticate(client: RawClient, authBytes: Buffer): Promise<AuthResult & { authBytes: Buffer }> {
  return client.request(36, 2, { authBytes });
}

/** Connects and authenticates; resolves with the client and the last SaslAuthenticate result. */
export async function saslConnect(port: number, mechanism: 'PLAIN' | ScramMechanism, user: string, password: string): Promise<{ client: RawClient; result: AuthResult }> {
  const client = await RawClient.connect(port);
  const code = await handshake(client, mechanism);
  if (code !== 0) return { client, result: { errorCode: code, errorMessage: 'handshake failed' } };
  if (mechanism === 'PLAIN') return { client, result: await authenticate(client, Buffer.from(`\u0000${user}\u0000${password}`)) };
  const bare = `n=${user},r=${randomBytes(12).toString('base64url')}`;
  const first = await authenticate(client, Buffer.from(`n,,${bare}`));
  if (first.errorCode !== 0) return { client, result: first };
  const serverFirst = first.authBytes.toString();
  const attrs = new Map(serverFirst.split(',').map((p) => [p[0]!, p.slice(2)]));
  const hash = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
  const salted = saltPassword(mechanism, password, Buffer.from(attrs.get('s')!, 'base64'), Number(attrs.get('i')));
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const withoutProof = `c=biws,r=${attrs.get('r')}`;
  const signature = createHmac(hash, storedKey).update(`${bare},${serverFirst},${withoutProof}`).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
  return { client, result: await authenticate(client, Buffer.from(`${withoutProof},p=${proof.toString('base64')}`)) };
}

/** The upsertion a real admin client sends: salt and salted password, never the password. */
export function upsertion(name: string, mechanism: ScramMechanism, password: string, iterations = 4096) {
  const salt = randomBytes(16);
  return { name, mechanism: mechanism === 'SCRAM-SHA-256' ? 1 : 2, iterations, salt, saltedPassword: saltPassword(mechanism, password, salt, iterations) };
}
