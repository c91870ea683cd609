/**
 * The listeners' security, derived once from the broker config: each listener's protocol, the TLS
 * material (PEM files read at startup, shared by the TLS listeners) and the SASL mechanisms and
 * PLAIN users (shared by the SASL listeners).
 *
 * TLS settings (PEM only):
 * - `ssl.keystore.location` (with `ssl.keystore.type=PEM`): one file with the private key and the
 *   certificate chain, the key optionally encrypted with `ssl.key.password`; or the Brook extensions
 *   `ssl.certificate.location` + `ssl.key.location` (two files).
 * - `ssl.truststore.location`: CA certificates for client certificates; `ssl.client.auth`
 *   none/requested/required.
 * SASL: `sasl.enabled.mechanisms` among PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; PLAIN users from the
 * Brook extension `sasl.plain.users=alice:secret,bob:pw`.
 */
import { readFileSync } from 'node:fs';
import { JwksError, loadJwks } from './jwks.js';
import type { OAuthBearerSettings } from './oauthbearer.js';
import type { BrokerConfig, SecurityProtocol } from '../config/broker-config.js';
import { ConfigError } from '../config/config-error.js';
import { parsePlainUsers } from './plain.js';
import { parseSuperUsers, type AuthorizerSettings } from './authorizer.js';
import type { RateWindow } from './quota-rate.js';
import { parseConnectionOverrides } from './connection-limits.js';

export const SUPPORTED_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const;
export type SaslMechanism = (typeof SUPPORTED_SASL_MECHANISMS)[number];

export interface TlsSettings {
  cert: Buffer;
  key: Buffer;
  passphrase?: string;
  /** Trusted CAs for client certificates; undefined = Node's default CAs. */
  ca?: Buffer;
  clientAuth: 'none' | 'requested' | 'required';
}

/** What one listener needs to accept clients: its protocol, TLS material and SASL mechanisms. */
export interface ListenerSecurity {
  /** Listener name (`PLAINTEXT`, `INTERNAL`, ...). */
  name: string;
  protocol: SecurityProtocol;
  tls: TlsSettings | null;
  saslMechanisms: readonly SaslMechanism[];
  plainUsers: ReadonlyMap<string, string>;
  oauthBearer?: OAuthBearerSettings | null;
}

/**
 * The top-level protocol, tls and SASL fields are the first listener's; `listeners` has every
 * listener (absent: one listener, the top-level fields, named after its protocol).
 */
export interface SecuritySettings {
  protocol: SecurityProtocol;
  /** Set for SSL and SASL_SSL. */
  tls: TlsSettings | null;
  /** Enabled and supported mechanisms; non-empty for SASL listeners. */
  saslMechanisms: readonly SaslMechanism[];
  plainUsers: ReadonlyMap<string, string>;
  /** Unsecured-token OAUTHBEARER settings; set when OAUTHBEARER is enabled. */
  oauthBearer?: OAuthBearerSettings | null;
  /** Set when `authorizer.class.name` is: the built-in ACL authorizer is on. */
  authorizer?: AuthorizerSettings | null;
  /** `connection.failed.authentication.delay.ms`; default 0 when absent (embedded settings). */
  failedAuthenticationDelayMs?: number;
  /** `connections.max.reauth.ms`: SASL sessions last this long before re-authenticating (0: forever). */
  maxReauthMs?: number;
  /** `quota.window.num` x `quota.window.size.seconds`: the span client quota rates are measured over. */
  quotaWindow?: RateWindow;
  /** `max.connections.per.ip` and its overrides (ip -> count). */
  maxConnectionsPerIp?: number;
  maxConnectionsPerIpOverrides?: ReadonlyMap<string, number>;
  listeners?: readonly ListenerSecurity[];
  /** `max.connection.creation.rate`: new connections per second, all listeners together (absent: no limit). */
  maxConnectionCreationRate?: number;
}

export function securitySettingsFromConfig(config: BrokerConfig, readFile: (path: string) => Buffer = readFileSync): SecuritySettings {
  // TLS and SASL settings are shared by the listeners that use them, read (and checked) once.
  let tls: TlsSettings | null | undefined;
  let sasl: Pick<ListenerSecurity, 'saslMechanisms' | 'plainUsers' | 'oauthBearer'> | undefined;
  const listeners = config.clientListeners.map((listener): ListenerSecurity => {
    const protocol = listener.securityProtocol;
    const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';
    const usesSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
    if (usesTls) tls ??= tlsSettingsOf(config, readFile);
    if (usesSasl) sasl ??= saslSettingsOf(config, readFile);
    return {
      name: listener.name,
      protocol,
      tls: usesTls ? tls! : null,
      ...(usesSasl ? sasl! : { saslMechanisms: [], plainUsers: new Map(), oauthBearer: null }),
    };
  });
  const first = listeners[0]!;
  return {
    protocol: first.protocol,
    tls: first.tls,
    saslMechanisms: first.saslMechanisms,
    plainUsers: first.plainUsers,
    oauthBearer: first.oauthBearer ?? null,
    listeners,
    authorizer:
      config.authorizerClassName.trim() === ''
        ? null
        : { superUsers: parseSuperUsers(config.superUsers), allowEveryoneIfNoAclFound: config.allowEveryoneIfNoAclFound },
    failedAuthenticationDelayMs: config.connectionFailedAuthenticationDelayMs,
    maxReauthMs: config.connectionsMaxReauthMs,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    maxConnectionCreationRate: config.maxConnectionCreationRate,
    maxConnectionsPerIpOverrides: parseConnectionOverrides(config.maxConnectionsPerIpOverrides),
    quotaWindow: { samples: config.quotaWindowNum, windowMs: config.quotaWindowSizeSeconds * 1000 },
  };
}

function saslSettingsOf(config: BrokerConfig, readFile: (path: string) => Buffer): Pick<ListenerSecurity, 'saslMechanisms' | 'plainUsers' | 'oauthBearer'> {
  const saslMechanisms = saslMechanismsOf(config);
  return {
    saslMechanisms,
    plainUsers: saslMechanisms.includes('PLAIN') ? parsePlainUsers(config.saslPlainUsers) : new Map(),
    oauthBearer: saslMechanisms.includes('OAUTHBEARER') ? oauthBearerSettingsOf(config, readFile) : null,
  };
}

function oauthBearerSettingsOf(config: BrokerConfig, readFile: (path: string) => Buffer): OAuthBearerSettings {
  const url = config.saslOauthbearerJwksEndpointUrl;
  let keys = null;
  try {
    keys = url ? loadJwks(url, readFile) : null;
  } catch (err) {
    if (err instanceof JwksError) throw ConfigError.invalid('sasl.oauthbearer.jwks.endpoint.url', url ?? '', err.message);
    throw err;
  }
  return {
    principalClaim: config.saslOauthbearerSubClaimName,
    clockSkewMs: config.saslOauthbearerClockSkewSeconds * 1000,
    keys,
    allowUnsecured: config.saslOauthbearerUnsecuredTokensEnable,
    expectedAudience: config.saslOauthbearerExpectedAudience,
    expectedIssuer: config.saslOauthbearerExpectedIssuer,
  };
}

function saslMechanismsOf(config: BrokerConfig): SaslMechanism[] {
  const enabled = config.saslEnabledMechanisms.map((m) => m.trim().toUpperCase());
  const supported = enabled.filter((m): m is SaslMechanism => (SUPPORTED_SASL_MECHANISMS as readonly string[]).includes(m));
  if (supported.length === 0) {
    throw ConfigError.invalid(
      'sasl.enabled.mechanisms',
      config.saslEnabledMechanisms.join(','),
      `A SASL listener needs one of ${SUPPORTED_SASL_MECHANISMS.join(', ')}`,
    );
  }
  if (supported.includes('OAUTHBEARER') && !config.saslOauthbearerUnsecuredTokensEnable && !config.saslOauthbearerJwksEndpointUrl) {
    throw ConfigError.invalid(
      'sasl.enabled.mechanisms',
      config.saslEnabledMechanisms.join(','),
      'OAUTHBEARER needs keys to validate tokens against: set sasl.oauthbearer.jwks.endpoint.url (or sasl.oauthbearer.unsecured.tokens.enable=true for unsecured development tokens)',
    );
  }
  return supported;
}

function tlsSettingsOf(config: BrokerConfig, readFile: (path: string) => Buffer): TlsSettings {
  const read = (name: string, path: string): Buffer => {
    try {
      return readFile(path);
    } catch (err) {
      throw ConfigError.invalid(name, path, `cannot read: ${(err as Error).message}`);
    }
  };
  let cert: Buffer;
  let key: Buffer;
  if (config.sslKeystoreLocation !== null) {
    // One PEM file with both: Node picks the key and the certificates out of it.
    cert = key = read('ssl.keystore.location', config.sslKeystoreLocation);
  } else if (config.sslCertificateLocation !== null && config.sslKeyLocation !== null) {
    cert = read('ssl.certificate.location', config.sslCertificateLocation);
    key = read('ssl.key.location', config.sslKeyLocation);
  } else {
    throw ConfigError.invalid('ssl.keystore.location', 'null', 'A TLS listener needs ssl.keystore.location, or ssl.certificate.location and ssl.key.location');
  }
  const settings: TlsSettings = { cert, key, clientAuth: config.sslClientAuth as TlsSettings['clientAuth'] };
  if (config.sslKeyPassword !== null) settings.passphrase = config.sslKeyPassword;
  if (config.sslTruststoreLocation !== null) settings.ca = read('ssl.truststore.location', config.sslTruststoreLocation);
  return settings;
}
