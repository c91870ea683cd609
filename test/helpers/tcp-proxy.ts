/**
 * A TCP proxy in front of a broker on 127.0.0.1, for tests that tamper with Kafka frames on the
 * way: each client connection gets its own upstream connection, and `wire` decides what crosses.
 * Either side closing or failing closes both. The broker must advertise the proxy's address
 * (advertised.listeners) so clients stay on it.
 */
import net from 'node:net';

export interface ProxiedConnection {
  client: net.Socket;
  upstream: net.Socket;
  /** Closes both sides. */
  kill(): void;
}

export interface TcpProxy {
  port: number;
  /** The broker port new connections go to. */
  setTarget(port: number): void;
  close(): Promise<void>;
}

/** Splits a stream into size-prefixed frames (each passed with its size prefix). */
export function framer(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const size = pending.readInt32BE(0);
      if (pending.length < 4 + size) break;
      onFrame(pending.subarray(0, 4 + size));
      pending = pending.subarray(4 + size);
    }
  };
}

export async function startTcpProxy(wire: (connection: ProxiedConnection) => void): Promise<TcpProxy> {
  let targetPort = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const kill = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', kill).on('error', kill);
    upstream.on('close', kill).on('error', kill);
    wire({ client, upstream, kill });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    setTarget(port: number) {
      targetPort = port;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
