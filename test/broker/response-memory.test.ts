/**
 * A slow consumer cannot make the broker hold more than its connection's response bound: it
 * pipelines many large Fetches and does not read its socket; the bytes the broker holds for it
 * (read for responses, or queued unsent) stay near Broker.responseMemoryMaxBytes, and drop to
 * zero once it reads everything. Memory is measured with the broker's own counters, not timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startTestBroker, removeDir } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { sampleMax } from '../helpers/eventually.js';
import { encodeBatch } from '../../src/records/record-batch.js';
import { Writer } from '../../src/protocol/writer.js';
import { apis, encodeRequestHeader, requestHeaderVersion } from '../../src/protocol/generated/index.js';

const MIB = 1024 * 1024;
const BATCH_BYTES = 100 * 1024;
const BATCHES = 60;
const FETCHES = 30;

function fetchFrame(correlationId: number): Buffer {
  const w = new Writer();
  w.int32(0);
  encodeRequestHeader(w, { requestApiKey: 1, requestApiVersion: 12, correlationId, clientId: 'slow' }, requestHeaderVersion(1, 12));
  apis[1]!.encodeRequest(w, {
    replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 64 * MIB, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 'slow', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 64 * MIB, currentLeaderEpoch: -1, logStartOffset: -1, lastFetchedEpoch: -1 }] }],
    forgottenTopicsData: [], rackId: '',
  } as never, 12);
  w.setInt32At(0, w.length - 4);
  return w.toBuffer();
}

test('a slow consumer pipelining large fetches makes the broker hold at most its response bound', async () => {
  const running = await startTestBroker({ storage: 'memory' });
  const boundBytes = 1 * MIB;
  running.broker.responseMemoryMaxBytes = boundBytes;
  const admin = await RawClient.connect(running.port);
  let socket: net.Socket | null = null;
  try {
    await admin.request(19, 7, { topics: [{ name: 'slow', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
    const value = Buffer.alloc(BATCH_BYTES, 1);
    for (let i = 0; i < BATCHES; i++) {
      const records = encodeBatch({ baseOffset: 0, records: [{ key: null, value, timestampMs: Date.now() }] });
      await admin.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'slow', partitionData: [{ index: 0, records }] }] });
    }

    // Sends every fetch at once and reads nothing until told to.
    const s = net.connect(running.port, '127.0.0.1');
    socket = s;
    await new Promise<void>((resolve) => s.once('connect', () => resolve()));
    s.pause();
    s.write(Buffer.concat(Array.from({ length: FETCHES }, (_, i) => fetchFrame(i + 1))));

    const maxHeld = await sampleMax(() => running.broker.heldResponseBytes(), 60);
    // Asked for: FETCHES x the whole 6 MiB log. Allowed: the bound plus one batch (KIP-74).
    assert.ok(maxHeld <= boundBytes + BATCH_BYTES + 64 * 1024, `held ${maxHeld} bytes for one slow consumer, bound ${boundBytes}`);

    // Reading the socket drains it: every fetch is answered and nothing stays held.
    let received = 0;
    let frames = 0;
    let pendingSize = -1;
    let buffered = Buffer.alloc(0);
    await new Promise<void>((resolve) => {
      s.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        received += chunk.length;
        for (;;) {
          if (pendingSize < 0 && buffered.length >= 4) pendingSize = buffered.readInt32BE(0);
          if (pendingSize < 0 || buffered.length < 4 + pendingSize) break;
          buffered = buffered.subarray(4 + pendingSize);
          pendingSize = -1;
          if (++frames === FETCHES) resolve();
        }
      });
      s.resume();
    });
    assert.equal(frames, FETCHES);
    // The first fetch got data; the others, read while the bound was used up, got less (none).
    assert.ok(received >= BATCH_BYTES, 'no fetch returned data');
    assert.ok(received <= boundBytes + BATCH_BYTES + 64 * 1024, `received ${received} bytes: fetches read past the bound`);
    for (let i = 0; i < 100 && running.broker.heldResponseBytes() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(running.broker.heldResponseBytes(), 0);
  } finally {
    socket?.destroy();
    admin.close();
    await running.stop();
    removeDir(running.dataDir);
  }
});
