/**
 * The broker's security service: the listener's settings, SCRAM credentials, a SASL session per
 * connection and the TLS server options. Owned by the Broker (`broker.security`).
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { TlsOptions } from 'node:tls';
import { CredentialStore } from './credential-store.js';
import { SaslSession } from './sasl-session.js';
import type { SecuritySettings } from './settings.js';

export { ANONYMOUS, principalFromCertificate, userPrincipal } from './principal.js';
export { SaslSession, SASL_MAX_RECEIVE_BYTES } from './sasl-session.js';
export { securitySettingsFromConfig, type SecuritySettings } from './settings.js';
export { CredentialStore } from './credential-store.js';

export interface SecurityServiceDeps {
  settings: SecuritySettings;
  /** Where SCRAM credentials are kept; null = memory only. */
  dataDir: string | null;
  randomBytes?: (size: number) => Buffer;
}

export class SecurityService {
  readonly settings: SecuritySettings;
  readonly credentials: CredentialStore;
  private readonly randomBytes: (size: number) => Buffer;

  constructor(deps: SecurityServiceDeps) {
    this.settings = deps.settings;
    this.credentials = new CredentialStore(deps.dataDir);
    this.randomBytes = deps.randomBytes ?? cryptoRandomBytes;
  }

  load(): Promise<void> {
    return this.credentials.load();
  }

  get usesTls(): boolean {
    return this.settings.tls !== null;
  }

  /** A SASL session for a new connection, or null when the listener does not use SASL. */
  newSaslSession(): SaslSession | null {
    if (this.settings.saslMechanisms.length === 0) return null;
    return new SaslSession({
      mechanisms: this.settings.saslMechanisms,
      plainUsers: this.settings.plainUsers,
      scramCredential: (user, mechanism) => this.credentials.get(user, mechanism),
      serverNonce: () => this.randomBytes(24).toString('base64url'),
    });
  }

  /** Options for tls.createServer; only for TLS listeners. */
  tlsServerOptions(): TlsOptions {
    const tls = this.settings.tls;
    if (!tls) throw new Error('not a TLS listener');
    const options: TlsOptions = {
      cert: tls.cert,
      key: tls.key,
      requestCert: tls.clientAuth !== 'none',
      // 'requested' accepts clients without a trusted certificate; they are ANONYMOUS.
      rejectUnauthorized: tls.clientAuth === 'required',
    };
    if (tls.passphrase !== undefined) options.passphrase = tls.passphrase;
    if (tls.ca) options.ca = tls.ca;
    return options;
  }
}
