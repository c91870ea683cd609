/**
 * SCRAM-SHA-256 / SCRAM-SHA-512 server side (RFC 5802, RFC 7677), as Kafka's ScramSaslServer.
 *
 * The broker keeps only StoredKey and ServerKey (never the password or the salted password), so
 * a leaked credential file cannot be replayed as a client proof.
 */
import { createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

/** Kafka's ScramMechanism type codes (AlterUserScramCredentials / DescribeUserScramCredentials). */
export const SCRAM_MECHANISM_BY_CODE: ReadonlyMap<number, ScramMechanism> = new Map([
  [1, 'SCRAM-SHA-256'],
  [2, 'SCRAM-SHA-512'],
]);
export const SCRAM_CODE_BY_MECHANISM: Readonly<Record<ScramMechanism, number>> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };
/** Kafka's ScramMechanism minIterations; 16384 is Kafka's maximum accepted. */
export const SCRAM_MIN_ITERATIONS = 4096;
export const SCRAM_MAX_ITERATIONS = 16384;

export interface ScramCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

function hashName(mechanism: ScramMechanism): 'sha256' | 'sha512' {
  return mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
}

function hmac(mechanism: ScramMechanism, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(hashName(mechanism), key).update(data).digest();
}

/** From the salted password a client sends in AlterUserScramCredentials. */
export function credentialFromSaltedPassword(mechanism: ScramMechanism, salt: Buffer, saltedPassword: Buffer, iterations: number): ScramCredential {
  const clientKey = hmac(mechanism, saltedPassword, 'Client Key');
  return {
    salt: Buffer.from(salt),
    storedKey: createHash(hashName(mechanism)).update(clientKey).digest(),
    serverKey: hmac(mechanism, saltedPassword, 'Server Key'),
    iterations,
  };
}

/** Hi() of RFC 5802: PBKDF2 with the mechanism's HMAC. For tests and tools that hold a password. */
export function saltPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const hash = hashName(mechanism);
  return pbkdf2Sync(password.normalize('NFKC'), salt, iterations, hash === 'sha256' ? 32 : 64, hash);
}

export class ScramAuthError extends Error {}

/** Looks a user's credential up; undefined for unknown users. */
export type CredentialLookup = (user: string, mechanism: ScramMechanism) => ScramCredential | undefined;

/**
 * One SCRAM exchange: client-first -> server-first, client-final -> server-final. Throws
 * ScramAuthError on malformed messages or a wrong proof; the caller answers
 * SASL_AUTHENTICATION_FAILED.
 */
export class ScramServer {
  private step: 'first' | 'final' | 'done' = 'first';
  private user = '';
  private credential: ScramCredential | null = null;
  private nonce = '';
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';

  constructor(
    private readonly mechanism: ScramMechanism,
    private readonly lookup: CredentialLookup,
    private readonly serverNonce: () => string,
  ) {}

  /** The authenticated user once the exchange completed. */
  get authenticatedUser(): string | null {
    return this.step === 'done' ? this.user : null;
  }

  evaluate(token: Buffer): Buffer {
    if (this.step === 'first') return this.clientFirst(token.toString('utf8'));
    if (this.step === 'final') return this.clientFinal(token.toString('utf8'));
    throw new ScramAuthError('SCRAM exchange already complete');
  }

  private clientFirst(message: string): Buffer {
    // gs2-header = cbind-flag "," [authzid] ","; channel binding ("p=") is not offered by Kafka.
    const match = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(message);
    if (!match) throw new ScramAuthError('Invalid SCRAM client first message');
    this.gs2Header = message.slice(0, message.length - match[3]!.length);
    this.clientFirstBare = match[3]!;
    const attrs = parseAttributes(this.clientFirstBare);
    const user = attrs.get('n');
    const clientNonce = attrs.get('r');
    if (user === undefined || clientNonce === undefined || clientNonce === '') throw new ScramAuthError('Invalid SCRAM client first message');
    this.user = decodeSaslName(user);
    const credential = this.lookup(this.user, this.mechanism);
    if (!credential) throw new ScramAuthError('Authentication failed: Invalid user credentials');
    this.credential = credential;
    this.nonce = clientNonce + this.serverNonce();
    this.serverFirst = `r=${this.nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.step = 'final';
    return Buffer.from(this.serverFirst, 'utf8');
  }

  private clientFinal(message: string): Buffer {
    const proofAt = message.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramAuthError('Invalid SCRAM client final message');
    const withoutProof = message.slice(0, proofAt);
    const attrs = parseAttributes(withoutProof);
    if (attrs.get('c') !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) throw new ScramAuthError('Invalid SCRAM channel binding');
    // Kafka checks endsWith, not equality: librdkafka (up to 2.x) sends the client nonce twice.
    if (!(attrs.get('r') ?? '').endsWith(this.nonce)) throw new ScramAuthError('Invalid SCRAM nonce');
    const proof = Buffer.from(message.slice(proofAt + 3), 'base64');
    const credential = this.credential!;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.mechanism, credential.storedKey, authMessage);
    if (proof.length !== clientSignature.length) throw new ScramAuthError('Invalid SCRAM client proof');
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    const computedStoredKey = createHash(hashName(this.mechanism)).update(clientKey).digest();
    if (!timingSafeEqual(computedStoredKey, credential.storedKey)) throw new ScramAuthError('Invalid SCRAM client proof');
    this.step = 'done';
    const serverSignature = hmac(this.mechanism, credential.serverKey, authMessage);
    return Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8');
  }
}

/** `k=v,k=v`; values may contain '=' (base64). */
function parseAttributes(text: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of text.split(',')) {
    if (part.length < 2 || part[1] !== '=') throw new ScramAuthError('Invalid SCRAM attribute');
    attrs.set(part[0]!, part.slice(2));
  }
  return attrs;
}

/** saslname: '=2C' is ',' and '=3D' is '='; any other '=' is invalid. */
function decodeSaslName(name: string): string {
  if (/=(?!2C|3D)/.test(name)) throw new ScramAuthError('Invalid SCRAM user name');
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}
