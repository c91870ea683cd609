/**
 * One client connection: frames in, handlers run, responses out in request order.
 *
 * Requests are pipelined: each decoded request takes a slot in `pending`, handlers may finish in
 * any order, and responses leave strictly from the head of the queue. Reading pauses while too
 * many requests are in flight or too much response data waits in the socket, so a client cannot
 * make the broker buffer without bound.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { Reader, ProtocolDecodeError } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import {
  apis,
  decodeRequestHeader,
  encodeResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../protocol/generated/index.js';
import { ErrorCode } from '../protocol/errors.js';
import { FrameDecoder, FrameTooLargeError } from './frame-decoder.js';
import { NO_RESPONSE, type RequestContext } from './handler.js';
import type { Broker } from './broker.js';
import { apiVersionsBody } from './api/18-api-versions.js';
import { afterWriteOf, releaseBuffers, ResponseMemory, unreserve, type AfterWrite } from './response-memory.js';
import { ANONYMOUS, principalFromCertificate, SASL_MAX_RECEIVE_BYTES, type ListenerSecurity, type SaslSession } from '../security/index.js';
import { SASL_HANDSHAKE_KEY } from '../security/sasl-session.js';
import { withRequestThrottle } from '../security/request-quota.js';

const API_VERSIONS_KEY = 18;

interface Slot {
  chunks: Buffer[] | null;
  done: boolean;
  /** API key for metrics; -1 for answers the broker makes itself (not counted). */
  apiKey: number;
  /** performance.now() when the frame was read and when the response was ready. */
  receivedMs: number;
  readyMs: number;
  /** Reserved bytes and leased buffers of the response (Fetch), settled once it is written. */
  after?: AfterWrite | null;
}

export class Connection {
  private readonly frames: FrameDecoder;
  private readonly pending: Slot[] = [];
  /** Slots written to the socket whose write has not completed yet, in write order. */
  private readonly sending: Slot[] = [];
  /** One callback for every response's last chunk: write callbacks run in write order. */
  private readonly onResponseWritten = (): void => this.responseWritten();
  private readonly address: string;
  private closed = false;
  private paused = false;
  /** Read once: request lines are debug-only, and the check should not cost per request. */
  private readonly logRequests: boolean;
  /** SASL state on a SASL listener (null otherwise): the gate in onFrame reads it. */
  private readonly sasl: SaslSession | null;
  /** Principal from the TLS client certificate, or ANONYMOUS. */
  private readonly tlsPrincipal: string;
  /** Response bytes this connection makes the broker hold (response-memory.ts). */
  readonly responseMemory: ResponseMemory;
  /**
   * connection.failed.authentication.delay.ms: a failed SASL login's answer waits on this timer
   * (cleared on close), so password guessing is slow while other connections go on.
   */
  private authFailure: { timer: NodeJS.Timeout | null; elapsed: boolean } | null = null;
  /** Set while the channel is muted after a throttled response (KIP-219); cleared on close. */
  private muteTimer: NodeJS.Timeout | null = null;

  /** The listener the client came through (its SASL settings; Metadata answers its address). */
  private readonly listener: ListenerSecurity;

  constructor(
    private readonly socket: Socket,
    private readonly broker: Broker,
    listener?: ListenerSecurity,
  ) {
    this.address = `${socket.remoteAddress}:${socket.remotePort}`;
    this.logRequests = broker.logger.isLevelEnabled('debug');
    this.listener = listener ?? broker.security.listeners[0]!;
    this.sasl = broker.security.newSaslSession(this.listener);
    // Before authentication a frame may be at most sasl.server.max.receive.size: checked before
    // anything is buffered for it, not after a socket.request.max.bytes frame has arrived.
    this.frames = new FrameDecoder(this.sasl ? SASL_MAX_RECEIVE_BYTES : broker.config.socketRequestMaxBytes);
    this.tlsPrincipal = tlsPrincipalOf(socket);
    this.responseMemory = new ResponseMemory(() => broker.responseMemoryMaxBytes, () => socket.writableLength);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  close(reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.authFailure?.timer) clearTimeout(this.authFailure.timer);
    if (this.muteTimer) clearTimeout(this.muteTimer);
    if (reason) this.broker.logger.warn({ client: this.address }, `closing connection: ${reason}`);
    // Finished responses that will never be written; unfinished ones settle in complete().
    for (const slot of this.pending) if (slot.after) this.discard(slot.after);
    this.socket.destroy();
    this.broker.connectionClosed(this);
  }

  private onData(chunk: Buffer): void {
    const receivedMs = performance.now();
    if (this.sasl?.authenticated) this.frames.maxFrameBytes = this.broker.config.socketRequestMaxBytes;
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (err) {
      if (err instanceof FrameTooLargeError) return this.close(err.message);
      throw err;
    }
    for (const frame of frames) {
      if (this.closed) return;
      this.onFrame(frame, receivedMs);
    }
    this.maybePause();
  }

  private onFrame(frame: Buffer, receivedMs: number): void {
    if (this.sasl !== null && (this.sasl.state !== 'authenticated' || this.sasl.expires) && !this.saslGate(frame)) return;
    if (frame.length < 8) return this.close('request shorter than a header');
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const handler = this.broker.handlers.get(apiKey);
    const spec = apis[apiKey];
    if (!handler || !spec) return this.close(`unsupported api key ${apiKey}`);
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === API_VERSIONS_KEY) return this.answerUnsupportedApiVersions(frame.readInt32BE(4));
      return this.close(`unsupported version ${apiVersion} of api key ${apiKey}`);
    }
    let header;
    let body;
    try {
      const reader = new Reader(frame);
      header = decodeRequestHeader(reader, requestHeaderVersion(apiKey, apiVersion));
      body = spec.decodeRequest(reader, apiVersion);
    } catch (err) {
      if (err instanceof ProtocolDecodeError) return this.close(`malformed request (api ${apiKey} v${apiVersion}): ${err.message}`);
      throw err;
    }
    const ctx: RequestContext = {
      apiKey,
      apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId ?? null,
      clientAddress: this.address,
      listenerName: this.listener.name,
      broker: this.broker,
      principal: this.sasl?.principal ?? this.tlsPrincipal,
      sasl: this.sasl,
      remoteTimeMs: 0,
      responseMemory: this.responseMemory,
    };
    const slot: Slot = { chunks: null, done: false, apiKey, receivedMs, readyMs: 0 };
    this.pending.push(slot);
    // A double from performance.now(): no allocation, unlike hrtime.bigint().
    const startMs = performance.now();
    try {
      const result = handler.handle(ctx, body);
      if (result instanceof Promise) {
        result.then(
          (res) => this.complete(slot, ctx, res, body, startMs),
          (err) => this.fail(ctx, err, receivedMs),
        );
      } else {
        this.complete(slot, ctx, result, body, startMs);
      }
    } catch (err) {
      this.fail(ctx, err, receivedMs);
    }
  }

  private complete(slot: Slot, ctx: RequestContext, response: unknown, request: unknown, startMs: number): void {
    const readyMs = performance.now();
    const latencyMs = readyMs - startMs;
    slot.readyMs = readyMs;
    const answered = response !== NO_RESPONSE;
    this.broker.metrics.requestCompleted(ctx.apiKey, request, answered ? response : undefined, latencyMs, startMs - slot.receivedMs, ctx.remoteTimeMs ?? 0);
    if (this.logRequests) this.logRequest(ctx, latencyMs);
    const after = afterWriteOf(response);
    if (this.closed) {
      if (after) this.discard(after);
      return;
    }
    slot.done = true;
    slot.after = after;
    if (response !== NO_RESPONSE) {
      const body = withRequestThrottle(ctx, request, response, latencyMs - (ctx.remoteTimeMs ?? 0));
      slot.chunks = encodeResponse(ctx.apiKey, ctx.apiVersion, ctx.correlationId, body);
      const throttleMs = (body as { throttleTimeMs?: number }).throttleTimeMs;
      if (throttleMs !== undefined && throttleMs > 0) this.mute(throttleMs);
    }
    this.flush();
  }

  private logRequest(ctx: RequestContext, latencyMs: number): void {
    this.broker.logger.debug(
      { client: this.address, clientId: ctx.clientId, api: apis[ctx.apiKey]?.name, apiVersion: ctx.apiVersion, correlationId: ctx.correlationId, latencyMs: Math.round(latencyMs * 1000) / 1000 },
      'request',
    );
  }

  private fail(ctx: RequestContext, err: unknown, receivedMs: number): void {
    this.broker.metrics.requestFailed(ctx.apiKey, performance.now() - receivedMs);
    this.broker.logger.error(
      { client: this.address, clientId: ctx.clientId, api: apis[ctx.apiKey]?.name, apiKey: ctx.apiKey, apiVersion: ctx.apiVersion, err },
      'request handler failed',
    );
    this.close();
  }

  private answerUnsupportedApiVersions(correlationId: number): void {
    const body = { ...apiVersionsBody(this.broker.handlers.values()), errorCode: ErrorCode.UNSUPPORTED_VERSION };
    this.pending.push({ chunks: encodeResponse(API_VERSIONS_KEY, 0, correlationId, body), done: true, apiKey: -1, receivedMs: 0, readyMs: 0 });
    this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0 || !this.pending[0]!.done) return;
    if (this.sasl?.state === 'failed' && this.delayingAuthFailure(() => this.flush())) return;
    this.socket.cork();
    while (this.pending.length > 0 && this.pending[0]!.done) {
      const slot = this.pending.shift()!;
      if (slot.chunks) this.write(slot);
    }
    this.socket.uncork();
    // A failed SASL exchange gets its answer, then the connection ends (as Kafka).
    if (this.sasl?.state === 'failed' && this.pending.length === 0) return this.endAfterWrites();
    this.maybeResume();
  }

  private write(slot: Slot): void {
    const chunks = slot.chunks!;
    const after = slot.after ?? null;
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) this.socket.write(chunks[i]!);
    if (last < 0) {
      if (after) this.discard(after);
      return;
    }
    if (slot.apiKey < 0 && !after) {
      this.socket.write(chunks[last]!);
      return;
    }
    if (slot.apiKey >= 0) this.sending.push(slot);
    if (!after) {
      this.socket.write(chunks[last]!, this.onResponseWritten);
      return;
    }
    // Leased buffers go back only once the socket is done with every byte of the response (the
    // callback also runs, with an error, if the socket is destroyed first).
    this.socket.write(chunks[last]!, () => {
      releaseBuffers(after);
      if (slot.apiKey >= 0) this.responseWritten();
    });
    unreserve(this.responseMemory, after);
  }

  private discard(after: AfterWrite): void {
    unreserve(this.responseMemory, after);
    releaseBuffers(after);
  }

  /** The oldest response in flight was taken by the kernel (or the socket failed): its send time. */
  private responseWritten(): void {
    const slot = this.sending.shift();
    if (!slot) return;
    const nowMs = performance.now();
    this.broker.metrics.responseSent(slot.apiKey, nowMs - slot.readyMs, nowMs - slot.receivedMs);
  }

  /**
   * Before SASL authentication only ApiVersions, SaslHandshake and SaslAuthenticate pass, frames
   * are bounded by sasl.server.max.receive.size, and after a v0 handshake frames are raw SASL
   * tokens. Returns false when the frame was consumed (or the connection closed).
   */
  private saslGate(frame: Buffer): boolean {
    const sasl = this.sasl!;
    const apiKey = frame.length >= 2 ? frame.readInt16BE(0) : -1;
    if (sasl.state === 'authenticated') {
      // An expired session (connections.max.reauth.ms) may only start re-authenticating.
      if (apiKey === SASL_HANDSHAKE_KEY || !sasl.expired()) return true;
      this.close('SASL session expired without re-authentication');
      return false;
    }
    if (frame.length > SASL_MAX_RECEIVE_BYTES) {
      this.close(`SASL frame of ${frame.length} bytes exceeds ${SASL_MAX_RECEIVE_BYTES} before authentication`);
      return false;
    }
    if (sasl.state === 'raw') {
      this.onRawSaslToken(sasl, frame);
      return false;
    }
    if (!sasl.allows(apiKey)) {
      this.close(`request of api key ${apiKey} not allowed in SASL state ${sasl.state}`);
      return false;
    }
    return true;
  }

  /** SaslHandshake v0 clients send SASL tokens framed only by a size, and read them back so. */
  private onRawSaslToken(sasl: SaslSession, token: Buffer): void {
    const result = sasl.authenticate(token);
    if (result.errorCode !== ErrorCode.NONE) {
      const reason = `SASL authentication failed: ${result.errorMessage}`;
      if (!this.delayingAuthFailure(() => this.close(reason))) this.close(reason);
      return;
    }
    const size = Buffer.alloc(4);
    size.writeInt32BE(result.authBytes.length, 0);
    this.pending.push({ chunks: [size, result.authBytes], done: true, apiKey: -1, receivedMs: 0, readyMs: 0 });
    this.flush();
  }

  /** True while a failed login's delay runs (reading stops); `then` runs once it has passed. */
  private delayingAuthFailure(then: () => void): boolean {
    const delayMs = this.broker.security.settings.failedAuthenticationDelayMs ?? 0;
    if (delayMs <= 0 || this.authFailure?.elapsed) return false;
    if (this.authFailure === null) {
      const failure: { timer: NodeJS.Timeout | null; elapsed: boolean } = { timer: null, elapsed: false };
      failure.timer = setTimeout(() => {
        failure.timer = null;
        failure.elapsed = true;
        then();
      }, delayMs);
      this.authFailure = failure;
      this.socket.pause();
    }
    return true;
  }

  private endAfterWrites(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.muteTimer) clearTimeout(this.muteTimer);
    this.socket.end(() => this.socket.destroy());
    this.broker.connectionClosed(this);
  }

  private maybePause(): void {
    if (this.paused || this.closed) return;
    const tooMany = this.pending.length >= this.broker.config.queuedMaxRequests;
    const tooMuchUnsent = this.socket.writableLength > this.broker.responseMemoryMaxBytes;
    const diskBehind = this.broker.diskBehind();
    if (tooMany || tooMuchUnsent || diskBehind) {
      this.paused = true;
      this.socket.pause();
      if (diskBehind) this.broker.waitForDisk(this);
    }
  }

  /** Reads again unless a bound still holds it (the broker calls this when its writes caught up). */
  maybeResume(): void {
    if (!this.paused || this.closed) return;
    if (this.pending.length >= this.broker.config.queuedMaxRequests || this.socket.writableLength > this.broker.responseMemoryMaxBytes) return;
    if (this.broker.diskBehind()) return this.broker.waitForDisk(this);
    this.paused = false;
    if (this.muteTimer === null) this.socket.resume();
  }

  /** A throttled client's next request is not read until its throttle time has passed (KIP-219). */
  private mute(throttleMs: number): void {
    if (this.muteTimer) clearTimeout(this.muteTimer);
    this.socket.pause();
    this.muteTimer = setTimeout(() => {
      this.muteTimer = null;
      if (!this.paused && !this.closed) this.socket.resume();
    }, throttleMs);
  }
}

function tlsPrincipalOf(socket: Socket): string {
  const tlsSocket = socket as TLSSocket;
  if (typeof tlsSocket.getPeerX509Certificate !== 'function' || !tlsSocket.authorized) return ANONYMOUS;
  const cert = tlsSocket.getPeerX509Certificate();
  return cert ? principalFromCertificate(cert) : ANONYMOUS;
}

/** Size prefix + response header + body, as a list of buffers ready for one corked write. */
export function encodeResponse(apiKey: number, apiVersion: number, correlationId: number, body: unknown): Buffer[] {
  const writer = new Writer();
  writer.int32(0);
  encodeResponseHeader(writer, { correlationId }, responseHeaderVersion(apiKey, apiVersion));
  apis[apiKey]!.encodeResponse(writer, body as never, apiVersion);
  writer.setInt32At(0, writer.length - 4);
  return writer.toChunks();
}
