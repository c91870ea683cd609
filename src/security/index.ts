/**
 * The broker's security service: the listeners' settings, SCRAM credentials, a SASL session per
 * connection, the TLS server options, the ACL authorizer, client quotas and per-IP connection
 * limits. Owned by the Broker (`broker.security`).
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { TlsOptions } from 'node:tls';
import { CredentialStore } from './credential-store.js';
import { AclStore } from './acl-store.js';
import { Authorizer } from './authorizer.js';
import { QuotaStore } from './quota-store.js';
import { ClientQuotas } from './quotas.js';
import { ConnectionLimits } from './connection-limits.js';
import { ConnectionRates } from './connection-rate.js';
import { RateBudget } from './quota-rate.js';
import { SaslSession } from './sasl-session.js';
import type { ListenerSecurity, SecuritySettings } from './settings.js';
import type { DocumentStore } from './document-store.js';

export { ANONYMOUS, principalFromCertificate, userPrincipal } from './principal.js';
export { SaslSession, SASL_MAX_RECEIVE_BYTES } from './sasl-session.js';
export { securitySettingsFromConfig, type ListenerSecurity, type SecuritySettings } from './settings.js';
export { CredentialStore } from './credential-store.js';
export { AclStore } from './acl-store.js';
export { Authorizer } from './authorizer.js';
export { FileDocument, type DocumentStore } from './document-store.js';

export interface SecurityServiceDeps {
  settings: SecuritySettings;
  /** Where SCRAM credentials, ACLs and quotas are kept; null = memory only. */
  dataDir: string | null;
  /**
   * Cluster mode: ACLs, SCRAM credentials and client quotas shared by every broker (etcd keys)
   * instead of the files in `dataDir`.
   */
  shared?: { acls: DocumentStore; credentials: DocumentStore; quotas: DocumentStore };
  randomBytes?: (size: number) => Buffer;
  clock?: () => number;
}

export class SecurityService {
  readonly settings: SecuritySettings;
  /** Every listener's protocol, TLS and SASL settings, in `listeners` order. */
  readonly listeners: readonly ListenerSecurity[];
  readonly credentials: CredentialStore;
  readonly acls: AclStore;
  /** The built-in ACL authorizer, or null when `authorizer.class.name` is unset (no checks at all). */
  readonly authorizer: Authorizer | null;
  /** Produce/fetch byte-rate quotas (AlterClientQuotas); record() costs nothing while none is set. */
  readonly quotas: ClientQuotas;
  /** `max.connections.per.ip`: the Broker asks before accepting a socket. */
  readonly connectionLimits: ConnectionLimits;
  /** `connection_creation_rate` of ip entities: the Broker asks before accepting a socket. */
  readonly connectionRates: ConnectionRates;
  private readonly randomBytes: (size: number) => Buffer;
  private readonly clock: () => number;
  /** max.connection.creation.rate's budget; null when unlimited. */
  private readonly creationRate: { budget: RateBudget; perSec: number } | null;

  constructor(deps: SecurityServiceDeps) {
    this.settings = deps.settings;
    this.clock = deps.clock ?? Date.now;
    const s = deps.settings;
    this.listeners = s.listeners ?? [
      { name: s.protocol, protocol: s.protocol, tls: s.tls, saslMechanisms: s.saslMechanisms, plainUsers: s.plainUsers, oauthBearer: s.oauthBearer ?? null },
    ];
    this.credentials = new CredentialStore(deps.shared?.credentials ?? deps.dataDir);
    this.acls = new AclStore(deps.shared?.acls ?? deps.dataDir);
    this.authorizer = deps.settings.authorizer ? new Authorizer(this.acls, deps.settings.authorizer) : null;
    this.connectionLimits = new ConnectionLimits(deps.settings.maxConnectionsPerIp ?? 0x7fffffff, deps.settings.maxConnectionsPerIpOverrides ?? new Map());
    // Kafka's defaults: 11 samples of 1 s.
    const quotaWindow = deps.settings.quotaWindow ?? { samples: 11, windowMs: 1000 };
    this.quotas = new ClientQuotas(new QuotaStore(deps.shared?.quotas ?? deps.dataDir), quotaWindow, this.clock);
    this.connectionRates = new ConnectionRates(this.quotas.store, quotaWindow, this.clock);
    const perSec = deps.settings.maxConnectionCreationRate ?? 0x7fffffff;
    this.creationRate = perSec > 0 && perSec < 0x7fffffff ? { budget: new RateBudget(quotaWindow, this.clock()), perSec } : null;
    this.randomBytes = deps.randomBytes ?? cryptoRandomBytes;
  }

  async load(): Promise<void> {
    await this.credentials.load();
    await this.acls.load();
    await this.quotas.store.load();
  }

  /** Stops following shared state (cluster mode's etcd watch); stores stay readable. */
  async close(): Promise<void> {
    await Promise.all([this.acls.close(), this.credentials.close(), this.quotas.store.close()]);
  }

  /**
   * Counts a new connection against max.connection.creation.rate; returns how long it must wait
   * before it is served (0: at once). Listeners hold the socket that long (listener-socket.ts).
   */
  connectionCreationDelayMs(): number {
    if (this.creationRate === null) return 0;
    return this.creationRate.budget.record(1, this.creationRate.perSec, this.clock());
  }

  /** True when the first listener uses TLS. */
  get usesTls(): boolean {
    return this.settings.tls !== null;
  }

  /** A SASL session for a new connection, or null when its listener (default the first) does not use SASL. */
  newSaslSession(listener: ListenerSecurity = this.listeners[0]!): SaslSession | null {
    if (listener.saslMechanisms.length === 0) return null;
    return new SaslSession({
      mechanisms: listener.saslMechanisms,
      plainUsers: listener.plainUsers,
      scramCredential: (user, mechanism) => this.credentials.get(user, mechanism),
      serverNonce: () => this.randomBytes(24).toString('base64url'),
      oauthBearer: listener.oauthBearer ?? null,
      clock: this.clock,
      maxReauthMs: this.settings.maxReauthMs ?? 0,
    });
  }

  /** Options for tls.createServer; only for TLS listeners (default the first). */
  tlsServerOptions(listener: ListenerSecurity = this.listeners[0]!): TlsOptions {
    const tls = listener.tls;
    if (!tls) throw new Error(`listener ${listener.name} does not use TLS`);
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
