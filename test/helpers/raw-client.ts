/**
 * A bare Kafka protocol client for broker tests: one socket, requests encoded with the generated
 * codecs, responses matched by correlation id. Lets a test send exactly the version and fields it
 * means to, which real clients do not always allow.
 */
import net from 'node:net';
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';
import { apis, encodeRequestHeader, decodeResponseHeader, requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/generated/index.js';
import { FrameDecoder } from '../../src/broker/frame-decoder.js';

interface Waiting {
  apiKey: number;
  version: number;
  resolve(body: unknown): void;
  reject(err: Error): void;
}

export class RawClient {
  private readonly frames = new FrameDecoder(256 * 1024 * 1024);
  private readonly waiting = new Map<number, Waiting>();
  private nextCorrelationId = 1;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      for (const frame of this.frames.push(chunk)) this.onFrame(frame);
    });
    socket.on('close', () => {
      for (const w of this.waiting.values()) w.reject(new Error('connection closed'));
      this.waiting.clear();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends a request and resolves with the decoded response body. */
  request<T = any>(apiKey: number, version: number, body: unknown): Promise<T> {
    const correlationId = this.nextCorrelationId++;
    const writer = new Writer();
    writer.int32(0);
    encodeRequestHeader(writer, { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: 'raw-client' }, requestHeaderVersion(apiKey, version));
    apis[apiKey]!.encodeRequest(writer, body, version);
    writer.setInt32At(0, writer.length - 4);
    const promise = new Promise<T>((resolve, reject) => this.waiting.set(correlationId, { apiKey, version, resolve: resolve as (b: unknown) => void, reject }));
    for (const chunk of writer.toChunks()) this.socket.write(chunk);
    return promise;
  }

  close(): void {
    this.socket.destroy();
  }

  /** Runs `listener` when the connection closes (either side). */
  onClose(listener: () => void): void {
    if (this.socket.closed) listener();
    else this.socket.once('close', listener);
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const waiting = this.waiting.get(correlationId);
    if (!waiting) return;
    this.waiting.delete(correlationId);
    const reader = new Reader(frame);
    decodeResponseHeader(reader, responseHeaderVersion(waiting.apiKey, waiting.version));
    waiting.resolve(apis[waiting.apiKey]!.decodeResponse(reader, waiting.version));
  }
}
