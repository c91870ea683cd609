/**
 * The SASL state of one connection on a SASL listener, as Kafka's SaslServerAuthenticator:
 *
 *   initial --SaslHandshake(ok)--> handshaken --SaslAuthenticate...(ok)--> authenticated
 *                  (v0 handshake: raw SASL tokens without Kafka headers instead of SaslAuthenticate)
 *   any failure --> failed (the connection answers, then closes)
 *
 * Before authentication only ApiVersions and SaslHandshake (then SaslAuthenticate) are allowed;
 * any other request closes the connection, as Kafka does.
 */
import { ErrorCode } from '../protocol/errors.js';
import { authenticatePlain, PlainAuthError } from './plain.js';
import { ScramAuthError, ScramServer, type CredentialLookup, type ScramMechanism } from './scram.js';
import type { SaslMechanism } from './settings.js';
import { userPrincipal } from './principal.js';
import { authenticateOAuthBearer, OAuthBearerAuthError } from './oauthbearer.js';

export const SASL_HANDSHAKE_KEY = 17;
export const API_VERSIONS_KEY = 18;
export const SASL_AUTHENTICATE_KEY = 36;
/** Kafka's sasl.server.max.receive.size default: the largest frame read before authentication. */
export const SASL_MAX_RECEIVE_BYTES = 524288;

export type SaslState = 'initial' | 'handshaken' | 'raw' | 'authenticated' | 'failed';

export interface SaslSessionDeps {
  mechanisms: readonly SaslMechanism[];
  plainUsers: ReadonlyMap<string, string>;
  scramCredential: CredentialLookup;
  serverNonce: () => string;
  /** Unsecured-token OAUTHBEARER settings, when that mechanism is enabled. */
  oauthBearer?: { principalClaim: string; clockSkewMs: number } | null;
  clock?: () => number;
}

export interface SaslStepResult {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
}

const EMPTY = Buffer.alloc(0);

export class SaslSession {
  private current: SaslState = 'initial';
  private mechanism: SaslMechanism | null = null;
  private scram: ScramServer | null = null;
  private user: string | null = null;

  constructor(private readonly deps: SaslSessionDeps) {}

  get state(): SaslState {
    return this.current;
  }

  get authenticated(): boolean {
    return this.current === 'authenticated';
  }

  /** `User:<name>` once authenticated, else null. */
  get principal(): string | null {
    return this.user === null ? null : userPrincipal(this.user);
  }

  /** Whether a request of this API key may be handled in the current state. */
  allows(apiKey: number): boolean {
    switch (this.current) {
      case 'initial':
        return apiKey === API_VERSIONS_KEY || apiKey === SASL_HANDSHAKE_KEY;
      case 'handshaken':
        return apiKey === SASL_AUTHENTICATE_KEY;
      case 'authenticated':
        return true;
      default:
        return false;
    }
  }

  handshake(mechanism: string, version: number): { errorCode: number; mechanisms: string[] } {
    const mechanisms = [...this.deps.mechanisms];
    if (this.current !== 'initial') return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms };
    const chosen = this.deps.mechanisms.find((m) => m === mechanism);
    if (!chosen) {
      this.current = 'failed';
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    }
    this.mechanism = chosen;
    if (chosen !== 'PLAIN' && chosen !== 'OAUTHBEARER') {
      this.scram = new ScramServer(chosen as ScramMechanism, this.deps.scramCredential, this.deps.serverNonce);
    }
    this.current = version === 0 ? 'raw' : 'handshaken';
    return { errorCode: ErrorCode.NONE, mechanisms };
  }

  /** One client token (SaslAuthenticate auth_bytes, or a raw v0 token). */
  authenticate(token: Buffer): SaslStepResult {
    if (this.current !== 'handshaken' && this.current !== 'raw') {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: `SaslAuthenticate in state ${this.current}`, authBytes: EMPTY };
    }
    try {
      if (this.mechanism === 'PLAIN') {
        this.user = authenticatePlain(token, this.deps.plainUsers);
        this.current = 'authenticated';
        return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: EMPTY };
      }
      if (this.mechanism === 'OAUTHBEARER') {
        const now = (this.deps.clock ?? Date.now)();
        const result = authenticateOAuthBearer(token, { ...(this.deps.oauthBearer ?? { principalClaim: 'sub', clockSkewMs: 30_000 }), nowMs: now });
        this.user = result.user;
        this.current = 'authenticated';
        return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: EMPTY };
      }
      const reply = this.scram!.evaluate(token);
      const user = this.scram!.authenticatedUser;
      if (user !== null) {
        this.user = user;
        this.current = 'authenticated';
      }
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: reply };
    } catch (err) {
      if (!(err instanceof PlainAuthError) && !(err instanceof ScramAuthError) && !(err instanceof OAuthBearerAuthError)) throw err;
      this.current = 'failed';
      return {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: `Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism}`,
        authBytes: EMPTY,
      };
    }
  }
}
