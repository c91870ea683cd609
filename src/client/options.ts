/** Options every client (Producer, Consumer, Admin) shares, with Kafka's defaults. */
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { SaslOptions } from './sasl.js';

export interface ClientOptions {
  /** `host:port[,host:port...]` or a list of them. */
  bootstrapServers: string | string[];
  clientId?: string;
  /** Default 30000 (Kafka's request.timeout.ms). */
  requestTimeoutMs?: number;
  /** Default 10000. */
  connectTimeoutMs?: number;
  /** Retries of a retriable failure. Default 5. */
  retries?: number;
  /** First backoff; doubles each retry up to retryBackoffMaxMs. Default 100. */
  retryBackoffMs?: number;
  /** Default 1000. */
  retryBackoffMaxMs?: number;
  /** Metadata older than this is refreshed on use. Default 300000 (metadata.max.age.ms). */
  metadataMaxAgeMs?: number;
  clock?: () => number;
  /** TLS: true for the system CAs, or Node's tls.connect options (ca, cert, key, ...). */
  ssl?: boolean | TlsOptions;
  /** SASL PLAIN or SCRAM-SHA-256/512 after connecting. */
  sasl?: SaslOptions;
}

export interface ResolvedClientOptions {
  bootstrap: Array<{ host: string; port: number }>;
  clientId: string;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  retries: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  metadataMaxAgeMs: number;
  clock: () => number;
  tls: TlsOptions | null;
  sasl: SaslOptions | null;
}

export function resolveClientOptions(o: ClientOptions, defaultClientId: string): ResolvedClientOptions {
  return {
    bootstrap: parseBootstrap(o.bootstrapServers),
    clientId: o.clientId ?? defaultClientId,
    requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
    connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
    retries: o.retries ?? 5,
    retryBackoffMs: o.retryBackoffMs ?? 100,
    retryBackoffMaxMs: o.retryBackoffMaxMs ?? 1000,
    metadataMaxAgeMs: o.metadataMaxAgeMs ?? 300_000,
    clock: o.clock ?? Date.now,
    tls: o.ssl === true ? {} : o.ssl ? o.ssl : null,
    sasl: o.sasl ?? null,
  };
}

export function parseBootstrap(servers: string | string[]): Array<{ host: string; port: number }> {
  const list = (Array.isArray(servers) ? servers : servers.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw new TypeError('bootstrapServers is empty');
  return list.map((s) => {
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(s.replace(/^[A-Za-z_]+:\/\//, ''));
    if (!m) throw new TypeError(`bad bootstrap server "${s}" (expected host:port)`);
    return { host: m[1]!, port: Number(m[2]) };
  });
}

/** Strings become UTF-8; Buffers pass through; null/undefined stay null. */
export function toBuffer(v: string | Buffer | Uint8Array | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (Buffer.isBuffer(v)) return v;
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
