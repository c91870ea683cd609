/**
 * The client side of SASL, run once per connection after ApiVersions: SaslHandshake v1, then
 * SaslAuthenticate exchanges for PLAIN (RFC 4616) or SCRAM-SHA-256/512 (RFC 5802; the server's
 * signature is checked, so a broker that does not know the password cannot pass as one that does).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Api } from './apis.js';
import { KafkaError } from './errors.js';
import { ErrorCode } from '../protocol/errors.js';
import { saltPassword, type ScramMechanism } from '../security/scram.js';

export interface SaslOptions {
  mechanism: 'PLAIN' | ScramMechanism;
  username: string;
  password: string;
}

/** What sasl.ts needs of a connection (Connection implements it). */
export interface SaslTransport {
  send: <Req, Res>(api: import('./apis.js').ApiDef<Req, Res>, body: Req) => Promise<Res>;
  readonly address: string;
}

export async function saslAuthenticate(conn: SaslTransport, sasl: SaslOptions): Promise<void> {
  const handshake = await conn.send(Api.saslHandshake, { mechanism: sasl.mechanism });
  if (handshake.errorCode !== ErrorCode.NONE) {
    throw new KafkaError(handshake.errorCode, `SASL ${sasl.mechanism} refused by ${conn.address} (it offers ${handshake.mechanisms.join(', ')})`);
  }
  if (sasl.mechanism === 'PLAIN') {
    await step(conn, Buffer.from(`\u0000${sasl.username}\u0000${sasl.password}`, 'utf8'));
    return;
  }
  await scram(conn, sasl.mechanism, sasl.username, sasl.password);
}

async function step(conn: SaslTransport, token: Buffer): Promise<Buffer> {
  const res = await conn.send(Api.saslAuthenticate, { authBytes: token });
  if (res.errorCode !== ErrorCode.NONE) throw new KafkaError(res.errorCode, `SASL authentication with ${conn.address} failed: ${res.errorMessage ?? 'no reason given'}`);
  return res.authBytes;
}

async function scram(conn: SaslTransport, mechanism: ScramMechanism, username: string, password: string): Promise<void> {
  const hash = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
  const clientNonce = randomBytes(24).toString('base64url');
  const bare = `n=${username.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${clientNonce}`;
  const serverFirst = (await step(conn, Buffer.from(`n,,${bare}`, 'utf8'))).toString('utf8');
  const attrs = new Map(serverFirst.split(',').map((p) => [p[0]!, p.slice(2)]));
  const nonce = attrs.get('r');
  const salt = attrs.get('s');
  const iterations = Number(attrs.get('i'));
  if (!nonce?.startsWith(clientNonce) || salt === undefined || !Number.isInteger(iterations) || iterations <= 0) {
    throw new KafkaError(ErrorCode.SASL_AUTHENTICATION_FAILED, `invalid SCRAM server-first message from ${conn.address}`);
  }
  const salted = saltPassword(mechanism, password, Buffer.from(salt, 'base64'), iterations);
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const withoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${bare},${serverFirst},${withoutProof}`;
  const signature = createHmac(hash, storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
  const serverFinal = (await step(conn, Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8'))).toString('utf8');
  const serverKey = createHmac(hash, salted).update('Server Key').digest();
  const expected = createHmac(hash, serverKey).update(authMessage).digest();
  const given = serverFinal.startsWith('v=') ? Buffer.from(serverFinal.slice(2), 'base64') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new KafkaError(ErrorCode.SASL_AUTHENTICATION_FAILED, `the SCRAM server signature of ${conn.address} is wrong`);
  }
}
