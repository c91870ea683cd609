/**
 * W5: many concurrent producer connections. Each connection sends the same pre-encoded Produce
 * request (one batch of `recordsPerRequest` 100-byte records, acks=1) again as soon as the previous
 * one is answered, for `durationMs`. The load generator does no encoding per request, so what is
 * measured is the broker's handling of many connections.
 */
import net from 'node:net';
import { Writer } from '../../src/protocol/writer.js';
import { apis, encodeRequestHeader, requestHeaderVersion } from '../../src/protocol/generated/index.js';
import { encodeBatch } from '../../src/records/record-batch.js';
import { FrameDecoder } from '../../src/broker/frame-decoder.js';

const PRODUCE = 0;
const VERSION = 9;
const CORRELATION_ID_POSITION = 8;

export interface ManyProducersResult {
  connections: number;
  requests: number;
  records: number;
  recordsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

function produceFrame(topic: string, recordsPerRequest: number): Buffer {
  const value = Buffer.alloc(100, 120);
  const records = encodeBatch({ baseOffset: 0, records: Array.from({ length: recordsPerRequest }, () => ({ key: null, value, headers: [], timestampMs: Date.now() })) });
  const writer = new Writer();
  writer.int32(0);
  encodeRequestHeader(writer, { requestApiKey: PRODUCE, requestApiVersion: VERSION, correlationId: 0, clientId: 'w5' }, requestHeaderVersion(PRODUCE, VERSION));
  apis[PRODUCE]!.encodeRequest(writer, { transactionalId: null, acks: 1, timeoutMs: 30000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] }, VERSION);
  writer.setInt32At(0, writer.length - 4);
  return writer.toBuffer();
}

export async function manyProducers(port: number, topic: string, connections: number, durationMs: number, recordsPerRequest = 10): Promise<ManyProducersResult> {
  const latenciesUs: number[] = [];
  let requests = 0;
  const deadline = Date.now() + durationMs;
  const runOne = () =>
    new Promise<void>((resolve, reject) => {
      const frame = Buffer.from(produceFrame(topic, recordsPerRequest));
      const frames = new FrameDecoder(1 << 20);
      let correlationId = 0;
      let sentAt = 0n;
      const socket = net.connect(port, '127.0.0.1');
      const send = () => {
        if (Date.now() >= deadline) {
          socket.end();
          return resolve();
        }
        frame.writeInt32BE(++correlationId, CORRELATION_ID_POSITION);
        sentAt = process.hrtime.bigint();
        socket.write(frame);
      };
      socket.on('connect', send);
      socket.on('data', (chunk) => {
        for (const response of frames.push(chunk)) {
          if (response.readInt32BE(0) !== correlationId) return reject(new Error('unexpected correlation id'));
          latenciesUs.push(Number(process.hrtime.bigint() - sentAt) / 1000);
          requests++;
          send();
        }
      });
      socket.on('error', reject);
    });
  await Promise.all(Array.from({ length: connections }, runOne));
  latenciesUs.sort((a, b) => a - b);
  const at = (q: number) => (latenciesUs[Math.min(latenciesUs.length - 1, Math.floor(q * latenciesUs.length))] ?? 0) / 1000;
  return {
    connections,
    requests,
    records: requests * recordsPerRequest,
    recordsPerSec: (requests * recordsPerRequest) / (durationMs / 1000),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}
