/**
 * One Kafka protocol connection for the console's direct reads: requests encoded with Brook's
 * generated codecs, responses matched by correlation id, every request bounded by a timeout.
 */
import net from 'node:net';
import { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { apis, decodeResponseHeader, encodeRequestHeader, requestHeaderVersion, responseHeaderVersion } from '../protocol/generated/index.js';
import { FrameDecoder } from '../broker/frame-decoder.js';

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

interface Waiting {
  apiKey: number;
  version: number;
  timer: NodeJS.Timeout;
  resolve(body: unknown): void;
  reject(err: Error): void;
}

export class WireConnection {
  private readonly frames = new FrameDecoder(MAX_RESPONSE_BYTES);
  private readonly waiting = new Map<number, Waiting>();
  private nextCorrelationId = 1;
  private closedError: Error | null = null;

  private constructor(
    private readonly socket: net.Socket,
    private readonly clientId: string,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (chunk) => {
      try {
        for (const frame of this.frames.push(chunk)) this.onFrame(frame);
      } catch (err) {
        this.fail(err as Error);
      }
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed by the broker')));
  }

  static connect(host: string, port: number, options: { clientId: string; timeoutMs: number }): Promise<WireConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`could not connect to ${host}:${port} within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', reject);
        resolve(new WireConnection(socket, options.clientId, options.timeoutMs));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`could not connect to ${host}:${port}: ${err.message}`));
      });
    });
  }

  request<T>(apiKey: number, version: number, body: unknown): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const correlationId = this.nextCorrelationId++;
    const writer = new Writer();
    writer.int32(0);
    encodeRequestHeader(writer, { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: this.clientId }, requestHeaderVersion(apiKey, version));
    apis[apiKey]!.encodeRequest(writer, body as never, version);
    writer.setInt32At(0, writer.length - 4);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(correlationId);
        reject(new Error(`${apis[apiKey]!.name} request timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiting.set(correlationId, { apiKey, version, timer, resolve: resolve as (b: unknown) => void, reject });
      this.socket.cork();
      for (const chunk of writer.toChunks()) this.socket.write(chunk);
      this.socket.uncork();
    });
  }

  close(): void {
    this.fail(new Error('connection closed'));
    this.socket.destroy();
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const waiting = this.waiting.get(correlationId);
    if (!waiting) return;
    this.waiting.delete(correlationId);
    clearTimeout(waiting.timer);
    const reader = new Reader(frame);
    decodeResponseHeader(reader, responseHeaderVersion(waiting.apiKey, waiting.version));
    waiting.resolve(apis[waiting.apiKey]!.decodeResponse(reader, waiting.version));
  }

  private fail(err: Error): void {
    this.closedError ??= err;
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.waiting.clear();
  }
}
