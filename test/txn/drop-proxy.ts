/**
 * A TCP proxy that loses Produce responses: it forwards requests to the broker and, when
 * `dropProduceResponse()` says so, closes the client's connection instead of forwarding the
 * answer to a Produce. The broker has appended the batch; the client only sees a dropped
 * connection and retries it, which is exactly what idempotence must absorb.
 * The broker must advertise the proxy's address (advertised.listeners) so clients stay on it.
 */
import net from 'node:net';

export interface DropProxy {
  port: number;
  dropped: number;
  close(): Promise<void>;
}

const PRODUCE = 0;

/** Splits a stream into size-prefixed frames (payload without the size). */
function framer(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
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

export async function startDropProxy(dropProduceResponse: () => boolean): Promise<DropProxy & { setTarget(port: number): void }> {
  let targetPort = 0;
  const sockets = new Set<net.Socket>();
  const state = { dropped: 0 };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const produceIds = new Set<number>();
    const kill = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', kill).on('error', kill);
    upstream.on('close', kill).on('error', kill);
    client.on('data', framer((frame) => {
      if (frame.readInt16BE(4) === PRODUCE) produceIds.add(frame.readInt32BE(8));
      upstream.write(frame);
    }));
    upstream.on('data', framer((frame) => {
      const correlationId = frame.readInt32BE(4);
      if (produceIds.delete(correlationId) && dropProduceResponse()) {
        state.dropped++;
        kill();
        return;
      }
      client.write(frame);
    }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get dropped() {
      return state.dropped;
    },
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
