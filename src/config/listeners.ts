/**
 * `listeners` / `advertised.listeners` parsing (Kafka's EndPoint.createEndPoint):
 * comma-separated `NAME://host:port`, host may be empty (all interfaces) or a bracketed IPv6
 * address. Brook serves every client listener; controller listeners are ignored.
 */
import { ConfigError } from './config-error.js';

export interface Endpoint {
  /** Listener name, e.g. PLAINTEXT. */
  name: string;
  /** '' means every interface, as in Kafka's `PLAINTEXT://:9092`. */
  host: string;
  port: number;
}

const ENDPOINT = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*?)\]?:(-?[0-9]+)$/;

/** Parses a listeners value; throws ConfigError naming `key`. */
export function parseListeners(key: string, value: string): Endpoint[] {
  const trimmed = value.trim();
  if (trimmed === '') return [];
  const endpoints: Endpoint[] = [];
  for (const entry of trimmed.split(/\s*,\s*/)) {
    const match = ENDPOINT.exec(entry);
    if (!match) throw ConfigError.invalid(key, value, `Unable to parse ${entry} to a broker endpoint`);
    const port = Number(match[3]);
    if (port < 0 || port > 65535) throw ConfigError.invalid(key, value, `Port ${port} is out of range in ${entry}`);
    const name = match[1]!.toUpperCase();
    if (endpoints.some((e) => e.name === name)) {
      throw ConfigError.invalid(key, value, `Each listener must have a different name, ${name} is repeated`);
    }
    endpoints.push({ name, host: match[2]!, port });
  }
  return endpoints;
}

/** `NAME:PROTOCOL,...` (listener.security.protocol.map). */
export function parseProtocolMap(key: string, value: string): Map<string, string> {
  const map = new Map<string, string>();
  const trimmed = value.trim();
  if (trimmed === '') return map;
  for (const entry of trimmed.split(/\s*,\s*/)) {
    const [name, protocol, extra] = entry.split(':');
    if (!name || !protocol || extra !== undefined) {
      throw ConfigError.invalid(key, value, `Unable to parse ${entry} as NAME:SECURITY_PROTOCOL`);
    }
    map.set(name.toUpperCase(), protocol.toUpperCase());
  }
  return map;
}

/** `PLAINTEXT://:9092`, with IPv6 hosts bracketed. */
export function formatEndpoint(endpoint: Endpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.name}://${host}:${endpoint.port}`;
}

/** True for hosts that mean "listen on every interface". */
export function isWildcardHost(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::';
}
