/**
 * `--command-config <file>` of the client tools, as Kafka's tools: a properties file with the
 * client's security settings, turned into Brook client options.
 *
 *   security.protocol=SASL_SSL                      PLAINTEXT | SSL | SASL_PLAINTEXT | SASL_SSL
 *   sasl.mechanism=SCRAM-SHA-512                    PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512
 *   sasl.jaas.config=... required username="alice" password="secret";   (or sasl.username / sasl.password)
 *   ssl.truststore.location=ca.pem                  PEM CA certificates (also ssl.ca.location)
 *   ssl.keystore.location=client.pem                PEM key + certificate for mutual TLS
 *                                                   (or ssl.certificate.location + ssl.key.location)
 *   ssl.key.password=...                            passphrase of an encrypted key
 *   ssl.endpoint.identification.algorithm=          empty: do not check the broker's host name
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { readPropertiesFile } from '../../config/properties.js';
import type { ClientOptions } from '../../client/options.js';
import type { SaslOptions } from '../../client/sasl.js';
import { CliError } from './common.js';

const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

export function securityOptionsFromFile(path: string, readFile: (path: string) => Buffer = readFileSync): Pick<ClientOptions, 'ssl' | 'sasl'> {
  let props: Record<string, string>;
  try {
    props = readPropertiesFile(path, (p) => readFile(p).toString('utf8'));
  } catch (err) {
    throw new CliError(`cannot read --command-config ${path}: ${(err as Error).message}`);
  }
  return securityOptions(props, readFile);
}

export function securityOptions(props: Record<string, string>, readFile: (path: string) => Buffer = readFileSync): Pick<ClientOptions, 'ssl' | 'sasl'> {
  const protocol = (props['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) throw new CliError(`unknown security.protocol ${protocol}`);
  const out: Pick<ClientOptions, 'ssl' | 'sasl'> = {};
  if (protocol === 'SSL' || protocol === 'SASL_SSL') out.ssl = tlsOptions(props, readFile);
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') out.sasl = saslOptions(props);
  return out;
}

function saslOptions(props: Record<string, string>): SaslOptions {
  const mechanism = (props['sasl.mechanism'] ?? props['sasl.mechanisms'] ?? 'GSSAPI').toUpperCase();
  if (!(MECHANISMS as readonly string[]).includes(mechanism)) throw new CliError(`sasl.mechanism ${mechanism} is not supported (use ${MECHANISMS.join(', ')})`);
  const jaas = props['sasl.jaas.config'] ?? '';
  const username = props['sasl.username'] ?? jaasOption(jaas, 'username');
  const password = props['sasl.password'] ?? jaasOption(jaas, 'password');
  if (username === undefined || password === undefined) throw new CliError('SASL needs a username and password (sasl.jaas.config, or sasl.username and sasl.password)');
  return { mechanism: mechanism as SaslOptions['mechanism'], username, password };
}

/** `username="alice"` out of a JAAS login module line. */
function jaasOption(jaas: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(jaas);
  return match ? match[1]!.replace(/\\(.)/g, '$1') : undefined;
}

function tlsOptions(props: Record<string, string>, readFile: (path: string) => Buffer): TlsOptions {
  const read = (name: string) => {
    const path = props[name]!;
    try {
      return readFile(path);
    } catch (err) {
      throw new CliError(`cannot read ${name} ${path}: ${(err as Error).message}`);
    }
  };
  const options: TlsOptions = {};
  const caName = props['ssl.truststore.location'] !== undefined ? 'ssl.truststore.location' : props['ssl.ca.location'] !== undefined ? 'ssl.ca.location' : null;
  if (caName) options.ca = read(caName);
  if (props['ssl.keystore.location'] !== undefined) options.cert = options.key = read('ssl.keystore.location');
  if (props['ssl.certificate.location'] !== undefined) options.cert = read('ssl.certificate.location');
  if (props['ssl.key.location'] !== undefined) options.key = read('ssl.key.location');
  if (props['ssl.key.password'] !== undefined) options.passphrase = props['ssl.key.password'];
  if (props['ssl.endpoint.identification.algorithm'] === '') options.checkServerIdentity = () => undefined;
  return options;
}
