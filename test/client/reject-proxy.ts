/**
 * A TCP proxy in front of a broker that answers chosen Produce requests itself with an error
 * code for every partition, without forwarding them (the broker never sees those batches), e.g.
 * UNKNOWN_PRODUCER_ID as from a broker that lost the producer's state. Everything else passes.
 * The broker must advertise the proxy's address (advertised.listeners) so clients stay on it.
 */
import net from 'node:net';
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';
import { apis, decodeRequestHeader, encodeResponseHeader, requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/generated/index.js';

const PRODUCE = 0;

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

/** The answer to a Produce request: `errorCode` for each of its partitions. */
function produceError(frame: Buffer, errorCode: number): Buffer {
  const r = new Reader(frame.subarray(4));
  const apiVersion = frame.readInt16BE(6);
  const header = decodeRequestHeader(r, requestHeaderVersion(PRODUCE, apiVersion));
  const request = apis[PRODUCE]!.decodeRequest(r, apiVersion) as { topicData: Array<{ name: string; partitionData: Array<{ index: number }> }> };
  const w = new Writer(256);
  w.int32(0);
  encodeResponseHeader(w, { correlationId: header.correlationId }, responseHeaderVersion(PRODUCE, apiVersion));
  apis[PRODUCE]!.encodeResponse(w, {
    throttleTimeMs: 0,
    responses: request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: null })),
    })),
  }, apiVersion);
  w.setInt32At(0, w.length - 4);
  return w.toBuffer();
}

export interface RejectProxy {
  port: number;
  rejected: number;
  setTarget(port: number): void;
  close(): Promise<void>;
}

/** `reject(n)` sees the n-th Produce request (from 1) and returns an error code to answer it with, or 0 to forward it. */
export async function startRejectProxy(reject: (n: number) => number): Promise<RejectProxy> {
  let targetPort = 0;
  let produces = 0;
  const state = { rejected: 0 };
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
    client.on('data', framer((frame) => {
      const code = frame.readInt16BE(4) === PRODUCE ? reject(++produces) : 0;
      if (code === 0) {
        upstream.write(frame);
        return;
      }
      state.rejected++;
      client.write(produceError(frame, code));
    }));
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get rejected() {
      return state.rejected;
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
