/**
 * A TCP proxy that loses Produce responses: it forwards requests to the broker and, when
 * `dropProduceResponse()` says so, closes the client's connection instead of forwarding the
 * answer to a Produce. The broker has appended the batch; the client only sees a dropped
 * connection and retries it, which is exactly what idempotence must absorb.
 * The broker must advertise the proxy's address (advertised.listeners) so clients stay on it.
 */
import { framer, startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

export interface DropProxy extends TcpProxy {
  dropped: number;
}

const PRODUCE = 0;

export async function startDropProxy(dropProduceResponse: () => boolean): Promise<DropProxy> {
  const state = { dropped: 0 };
  const proxy = await startTcpProxy(({ client, upstream, kill }) => {
    const produceIds = new Set<number>();
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
  return Object.defineProperty(proxy, 'dropped', { get: () => state.dropped }) as DropProxy;
}
