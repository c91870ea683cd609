/**
 * One listener's server socket (Kafka's Acceptor): plain TCP, or TLS when its security protocol
 * is SSL or SASL_SSL. Accepted sockets (after the TLS handshake) go to `accept` with the listener,
 * whose security the Connection then applies. The Broker owns one per client listener.
 *
 * `acceptDelayMs` (max.connection.creation.rate) may hold a new socket, unread, before it is
 * handed over, as Kafka's Acceptor stops accepting while the rate is exceeded.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../log/logger.js';
import type { ListenerSecurity } from '../security/index.js';

export interface HostPort {
  host: string;
  port: number;
}

export class ListenerSocket {
  private readonly server: net.Server;
  /** Raw sockets of a TLS listener, from accept until closed: stop() must not wait for them. */
  private readonly handshaking = new Set<net.Socket>();
  /** Sockets held by the connection creation rate, until their timer hands them over. */
  private readonly held = new Set<net.Socket>();
  /** What Metadata tells clients that came through this listener; set by listen(). */
  advertised: HostPort = { host: '127.0.0.1', port: 0 };

  constructor(
    readonly security: ListenerSecurity,
    tlsOptions: tls.TlsOptions | null,
    private readonly accept: (socket: net.Socket, listener: ListenerSocket) => void,
    logger: Logger,
    private readonly acceptDelayMs: () => number = () => 0,
  ) {
    this.server = tlsOptions ? tls.createServer(tlsOptions, (socket) => this.handOver(socket)) : net.createServer((socket) => this.handOver(socket));
    if (!tlsOptions) return;
    // Failed TLS handshakes (garbage, untrusted client certificates) only cost that socket.
    this.server.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => {
      logger.debug({ listener: security.name, client: `${socket.remoteAddress}:${socket.remotePort}`, err: err.message }, 'TLS handshake failed');
      socket.destroy();
    });
    this.server.on('connection', (socket: net.Socket) => {
      this.handshaking.add(socket);
      socket.once('close', () => this.handshaking.delete(socket));
    });
  }

  private handOver(socket: net.Socket): void {
    const delayMs = this.acceptDelayMs();
    if (delayMs <= 0) return this.accept(socket, this);
    socket.pause();
    this.held.add(socket);
    const timer = setTimeout(() => {
      this.held.delete(socket);
      if (socket.destroyed) return;
      // The Connection attaches its reader first: resuming before would drop the bytes read.
      this.accept(socket, this);
      socket.resume();
    }, delayMs);
    socket.once('close', () => {
      clearTimeout(timer);
      this.held.delete(socket);
    });
  }

  get name(): string {
    return this.security.name;
  }

  /** Host '' listens on every interface, as Kafka's `PLAINTEXT://:9092`. */
  listen(host: string, port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      const listening = (): void => {
        this.server.off('error', reject);
        resolve();
      };
      if (host === '') this.server.listen(port, listening);
      else this.server.listen(port, host, listening);
    });
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get listening(): boolean {
    return this.server.listening;
  }

  /** Stops accepting; resolves once every accepted socket has closed (the Broker closes them). */
  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.handshaking) socket.destroy();
    for (const socket of this.held) socket.destroy();
    return closed;
  }
}
