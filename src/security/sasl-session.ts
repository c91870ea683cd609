/**
 * The SASL state of one connection on a SASL listener, as Kafka's SaslServerAuthenticator:
 *
 *   initial --SaslHandshake(ok)--> handshaken --SaslAuthenticate...(ok)--> authenticated
 *                  (v0 handshake: raw SASL tokens without Kafka headers instead of SaslAuthenticate)
 *   any failure --> failed (the connection answers, then closes)
 *   authenticated --SaslHandshake v1 (same mechanism)--> reauth --SaslAuthenticate...(same principal)--> authenticated
 *
 * With `connections.max.reauth.ms` (KIP-368) a session expires: SaslAuthenticate tells the client
 * its lifetime, and after it only a re-authentication may follow; the connection closes on
 * anything else. An OAUTHBEARER token's expiry shortens the lifetime.
 * Before authentication only ApiVersions and SaslHandshake (then SaslAuthenticate) are allowed;
 * any other request closes the connection, as Kafka does.
 */
import { ErrorCode } from '../protocol/errors.js';
import { authenticatePlain, PlainAuthError } from './plain.js';
import { ScramAuthError, ScramServer, type CredentialLookup, type ScramMechanism } from './scram.js';
import type { SaslMechanism } from './settings.js';
import { userPrincipal } from './principal.js';
import { authenticateOAuthBearer, OAuthBearerAuthError, type OAuthBearerSettings } from './oauthbearer.js';

export const SASL_HANDSHAKE_KEY = 17;
export const API_VERSIONS_KEY = 18;
export const SASL_AUTHENTICATE_KEY = 36;
/** Kafka's sasl.server.max.receive.size default: the largest frame read before authentication. */
export const SASL_MAX_RECEIVE_BYTES = 524288;

export type SaslState = 'initial' | 'handshaken' | 'raw' | 'authenticated' | 'reauth' | 'failed';

export interface SaslSessionDeps {
  mechanisms: readonly SaslMechanism[];
  plainUsers: ReadonlyMap<string, string>;
  scramCredential: CredentialLookup;
  serverNonce: () => string;
  /** Unsecured-token OAUTHBEARER settings, when that mechanism is enabled. */
  oauthBearer?: OAuthBearerSettings | null;
  clock?: () => number;
  /** `connections.max.reauth.ms`; 0 or absent: sessions never expire. */
  maxReauthMs?: number;
}

export interface SaslStepResult {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
  /** How long the session may last before re-authenticating; 0 = no limit. */
  sessionLifetimeMs: number;
}

const EMPTY = Buffer.alloc(0);

export class SaslSession {
  private current: SaslState = 'initial';
  private mechanism: SaslMechanism | null = null;
  private scram: ScramServer | null = null;
  private user: string | null = null;
  /** When the session must be re-authenticated by (null: never). */
  private expiresAtMs: number | null = null;

  constructor(private readonly deps: SaslSessionDeps) {}

  get state(): SaslState {
    return this.current;
  }

  /** True once authenticated, also while re-authenticating (the principal stays meanwhile). */
  get authenticated(): boolean {
    return this.current === 'authenticated' || this.current === 'reauth';
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
      case 'reauth':
        return apiKey === SASL_AUTHENTICATE_KEY;
      case 'authenticated':
        return true;
      default:
        return false;
    }
  }

  /**
   * Whether the session has outlived `connections.max.reauth.ms` (or its OAUTHBEARER token):
   * only a re-authentication (SaslHandshake) may follow, anything else closes the connection.
   */
  expired(): boolean {
    return this.expiresAtMs !== null && this.now() >= this.expiresAtMs;
  }

  /** Whether the connection must check expiry on each request. */
  get expires(): boolean {
    return this.expiresAtMs !== null;
  }

  handshake(mechanism: string, version: number): { errorCode: number; mechanisms: string[] } {
    const mechanisms = [...this.deps.mechanisms];
    // Re-authentication is offered only with connections.max.reauth.ms set.
    const reauth = this.current === 'authenticated' && (this.deps.maxReauthMs ?? 0) > 0;
    if (this.current !== 'initial' && !reauth) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms };
    const chosen = this.deps.mechanisms.find((m) => m === mechanism);
    // KIP-368: a re-authentication uses SaslAuthenticate (v1+ handshake) and the same mechanism.
    if (!chosen || (reauth && (chosen !== this.mechanism || version === 0))) {
      this.current = 'failed';
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    }
    this.mechanism = chosen;
    if (chosen !== 'PLAIN' && chosen !== 'OAUTHBEARER') {
      this.scram = new ScramServer(chosen as ScramMechanism, this.deps.scramCredential, this.deps.serverNonce);
    }
    this.current = reauth ? 'reauth' : version === 0 ? 'raw' : 'handshaken';
    return { errorCode: ErrorCode.NONE, mechanisms };
  }

  /** One client token (SaslAuthenticate auth_bytes, or a raw v0 token). */
  authenticate(token: Buffer): SaslStepResult {
    if (this.current !== 'handshaken' && this.current !== 'raw' && this.current !== 'reauth') {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: `SaslAuthenticate in state ${this.current}`, authBytes: EMPTY, sessionLifetimeMs: 0 };
    }
    try {
      if (this.mechanism === 'PLAIN') return this.complete(authenticatePlain(token, this.deps.plainUsers), null, EMPTY);
      if (this.mechanism === 'OAUTHBEARER') {
        const result = authenticateOAuthBearer(token, { ...(this.deps.oauthBearer ?? { principalClaim: 'sub', clockSkewMs: 30_000, allowUnsecured: false }), nowMs: this.now() });
        return this.complete(result.user, result.expiresAtMs, EMPTY);
      }
      const reply = this.scram!.evaluate(token);
      const user = this.scram!.authenticatedUser;
      if (user !== null) return this.complete(user, null, reply);
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: reply, sessionLifetimeMs: 0 };
    } catch (err) {
      if (!(err instanceof PlainAuthError) && !(err instanceof ScramAuthError) && !(err instanceof OAuthBearerAuthError)) throw err;
      return this.fail(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism}`);
    }
  }

  /**
   * A successful exchange: the session lasts `connections.max.reauth.ms`, or less if the token
   * expires sooner (0 = no limit). A re-authentication must keep the principal.
   */
  private complete(user: string, tokenExpiresAtMs: number | null, authBytes: Buffer): SaslStepResult {
    if (this.current === 'reauth' && user !== this.user) return this.fail('Cannot change principals during re-authentication');
    this.user = user;
    this.current = 'authenticated';
    const nowMs = this.now();
    const maxReauthMs = this.deps.maxReauthMs ?? 0;
    let expiresAtMs = maxReauthMs > 0 ? nowMs + maxReauthMs : null;
    // A token's own expiry bounds the session only when re-authentication is on, as in Kafka.
    if (expiresAtMs !== null && tokenExpiresAtMs !== null) expiresAtMs = Math.min(expiresAtMs, tokenExpiresAtMs);
    this.expiresAtMs = expiresAtMs;
    return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes, sessionLifetimeMs: expiresAtMs === null ? 0 : Math.max(1, expiresAtMs - nowMs) };
  }

  private fail(errorMessage: string): SaslStepResult {
    this.current = 'failed';
    return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage, authBytes: EMPTY, sessionLifetimeMs: 0 };
  }

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }
}
