/**
 * One TCP connection to one broker: size-prefixed frames, correlation ids, pipelined requests
 * (responses are matched by correlation id), a timeout per request, and ApiVersions negotiation
 * on open that fixes, per API, the highest version both sides support.
 *
 * A request timeout or socket error fails every pending request and closes the connection (as
 * Kafka's clients do): the pool opens a new one on next use.
 */
import { Socket, connect, isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsOptions } from 'node:tls';
import { saslAuthenticate, type SaslOptions } from './sasl.js';
import { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { encodeRequestHeader, decodeResponseHeader, requestHeaderVersion, responseHeaderVersion } from '../protocol/generated/headers.js';
import { ErrorCode } from '../protocol/errors.js';
import { Api, type ApiDef } from './apis.js';
import { ClientClosedError, ConnectionError, KafkaError, RequestTimeoutError } from './errors.js';
import { FrameReader } from './frame-reader.js';

export interface ConnectionOptions {
  host: string;
  port: number;
  clientId: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** Sent in ApiVersions v3+. */
  softwareName?: string;
  softwareVersion?: string;
  /** Connect over TLS with these options (null/absent: plaintext). */
  tls?: TlsOptions | null;
  /** Authenticate with SASL after ApiVersions (null/absent: no SASL). */
  sasl?: SaslOptions | null;
}

interface Pending {
  apiKey: number;
  version: number;
  decode: (r: Reader, version: number) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface RequestOptions {
  /** Overrides the connection's request timeout (a long-poll Fetch adds its wait). */
  timeoutMs?: number;
  /** Produce with acks=0: the broker sends nothing back. */
  noResponse?: boolean;
}

export class Connection {
  readonly host: string;
  readonly port: number;
  private readonly socket: Socket;
  private readonly options: ConnectionOptions;
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 1;
  private versions = new Map<number, number>();
  private closedError: Error | null = null;
  private readonly closeListeners: Array<() => void> = [];

  private constructor(socket: Socket, options: ConnectionOptions) {
    this.socket = socket;
    this.options = options;
    this.host = options.host;
    this.port = options.port;
    socket.setNoDelay(true);
    socket.on('error', (err) => this.fail(new ConnectionError(`connection to ${this.address} failed: ${err.message}`, { cause: err })));
    socket.on('close', () => this.fail(new ConnectionError(`connection to ${this.address} closed`)));
  }

  /** Connects and negotiates API versions. */
  static async open(options: ConnectionOptions): Promise<Connection> {
    // The socket reads into the frame reader's buffers from the start (net's onread), so the
    // reader exists before the connection it reports to.
    let conn: Connection | null = null;
    const frames = new FrameReader(
      (frame) => conn?.onFrame(frame),
      (err) => conn?.fail(new ConnectionError(`connection to ${options.host}:${options.port}: ${err.message}`)),
    );
    const socket = await connectSocket(options, frames);
    conn = new Connection(socket, options);
    try {
      await conn.negotiateVersions();
      if (options.sasl) await saslAuthenticate(conn, options.sasl);
    } catch (err) {
      conn.close();
      throw err;
    }
    return conn;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get isOpen(): boolean {
    return this.closedError === null;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** The negotiated version of an API, or -1 when the broker does not support it. */
  versionOf(api: ApiDef<unknown, unknown>): number {
    return this.versions.get(api.key) ?? -1;
  }

  /** Sends a request with the negotiated version and resolves to the decoded response. */
  send<Req, Res>(api: ApiDef<Req, Res>, body: Req, options: RequestOptions = {}): Promise<Res> {
    const version = this.versions.get(api.key);
    if (version === undefined) {
      return Promise.reject(new KafkaError(ErrorCode.UNSUPPORTED_VERSION, `broker ${this.address} does not support ${api.name} v${api.minVersion}-${api.maxVersion}`));
    }
    return this.sendVersion(api, body, version, options);
  }

  sendVersion<Req, Res>(api: ApiDef<Req, Res>, body: Req, version: number, options: RequestOptions = {}): Promise<Res> {
    if (this.closedError) return Promise.reject(this.closedError);
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
    const w = new Writer(256);
    w.int32(0);
    encodeRequestHeader(w, { requestApiKey: api.key, requestApiVersion: version, correlationId, clientId: this.options.clientId }, requestHeaderVersion(api.key, version));
    api.encode(w, body, version);
    w.setInt32At(0, w.length - 4);
    const chunks = w.toChunks();
    if (options.noResponse) {
      this.write(chunks);
      return Promise.resolve(undefined as Res);
    }
    return new Promise<Res>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
      const timer = setTimeout(() => this.onTimeout(api.name, timeoutMs), timeoutMs);
      this.pending.set(correlationId, { apiKey: api.key, version, decode: api.decode, resolve: resolve as (v: unknown) => void, reject, timer });
      this.write(chunks);
    });
  }

  close(): void {
    this.fail(new ClientClosedError(`connection to ${this.address}`));
  }

  private write(chunks: Buffer[]): void {
    if (chunks.length === 1) {
      this.socket.write(chunks[0]!);
      return;
    }
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const p = this.pending.get(correlationId);
    if (!p) {
      this.fail(new ConnectionError(`unexpected correlation id ${correlationId} from ${this.address}`));
      return;
    }
    this.pending.delete(correlationId);
    clearTimeout(p.timer);
    try {
      const r = new Reader(frame);
      decodeResponseHeader(r, responseHeaderVersion(p.apiKey, p.version));
      p.resolve(p.decode(r, p.version));
    } catch (err) {
      p.reject(err as Error);
    }
  }

  private onTimeout(apiName: string, timeoutMs: number): void {
    this.fail(new RequestTimeoutError(`${apiName} request to ${this.address} timed out after ${timeoutMs} ms`));
  }

  private fail(err: Error): void {
    if (this.closedError) return;
    this.closedError = err;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    this.socket.destroy();
    for (const l of this.closeListeners) l();
  }

  /**
   * ApiVersions at our highest version; a broker that does not know it answers UNSUPPORTED_VERSION
   * in v0 form with its own range, and we retry at the highest version it named.
   */
  private async negotiateVersions(): Promise<void> {
    const request = { clientSoftwareName: this.options.softwareName ?? 'brook-js', clientSoftwareVersion: this.options.softwareVersion ?? '0.1.0' };
    const api = { ...Api.apiVersions, decode: decodeApiVersionsLenient };
    let response = await this.sendVersion(api, request, Api.apiVersions.maxVersion);
    if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      const theirs = response.apiKeys.find((k) => k.apiKey === Api.apiVersions.key);
      const version = Math.min(theirs?.maxVersion ?? 0, Api.apiVersions.maxVersion);
      response = await this.sendVersion(api, request, version);
    }
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaError(response.errorCode, `ApiVersions to ${this.address} failed`);
    this.versions = chooseVersions(response.apiKeys);
  }
}

/** Decodes an ApiVersions response, falling back to v0 (the form of an UNSUPPORTED_VERSION answer). */
function decodeApiVersionsLenient(r: Reader, version: number) {
  const start = r.offset;
  const errorCode = r.int16();
  r.offset = start;
  if (errorCode === ErrorCode.UNSUPPORTED_VERSION && version > 0) return Api.apiVersions.decode(r, 0);
  return Api.apiVersions.decode(r, version);
}

/** For each API the client knows: the highest version inside both ranges (absent when disjoint). */
export function chooseVersions(brokerRanges: ReadonlyArray<{ apiKey: number; minVersion: number; maxVersion: number }>): Map<number, number> {
  const chosen = new Map<number, number>();
  const byKey = new Map(brokerRanges.map((k) => [k.apiKey, k]));
  for (const api of Object.values(Api)) {
    const theirs = byKey.get(api.key);
    if (!theirs) continue;
    const version = Math.min(api.maxVersion, theirs.maxVersion);
    if (version >= Math.max(api.minVersion, theirs.minVersion)) chosen.set(api.key, version);
  }
  return chosen;
}

function connectSocket(options: ConnectionOptions, frames: FrameReader): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const secure = options.tls ?? null;
    // SNI names a host, never an IP address (RFC 6066); the certificate is still checked against either.
    const servername = isIP(options.host) ? undefined : options.host;
    // Plain TCP: onread, no 'data' events; the socket reads into FrameReader's buffers
    // (frame-reader.ts). TLS has no onread: its 'data' events feed the same reader with push().
    const socket = secure
      ? tlsConnect({ ...(servername ? { servername } : {}), ...secure, host: options.host, port: options.port })
      : connect({ host: options.host, port: options.port, onread: { buffer: frames.nextBuffer, callback: frames.onRead } });
    if (secure) socket.on('data', (chunk: Buffer) => frames.push(chunk));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ConnectionError(`could not connect to ${options.host}:${options.port} within ${options.connectTimeoutMs} ms`));
    }, options.connectTimeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ConnectionError(`could not connect to ${options.host}:${options.port}: ${(err as NodeJS.ErrnoException).code ?? err.message}`, { cause: err }));
    });
  });
}
