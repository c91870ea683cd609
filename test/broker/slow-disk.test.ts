/**
 * A slow disk cannot make the broker buffer without bound: while the store's unwritten appends are
 * over queued.max.request.bytes no connection's requests are read, so producers wait in TCP
 * backpressure; once the disk catches up everything they sent is written and acknowledged.
 * Memory is measured with the broker's own counter (Broker.unwrittenBytes), not timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, removeDir } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { eventually, sampleMax } from '../helpers/eventually.js';
import { encodeBatch } from '../../src/records/record-batch.js';
import { nodeFileOps, type FileOps } from '../../src/storage/file/fs-ops.js';

const KIB = 1024;
const MIB = 1024 * KIB;
const PRODUCERS = 3;
const REQUESTS_PER_PRODUCER = 40;
const RECORD_BYTES = 100 * KIB;

/** node:fs, except that thread-pool writes wait while the disk is "stalled". */
function stallableDisk(): { ops: FileOps; stall(): void; resume(): void } {
  let stalled: { promise: Promise<void>; resume: () => void } | null = null;
  const ops: FileOps = {
    ...nodeFileOps,
    writev: async (fd, buffers, position) => {
      while (stalled) await stalled.promise;
      return nodeFileOps.writev(fd, buffers, position);
    },
  };
  return {
    ops,
    stall() {
      let resume!: () => void;
      const promise = new Promise<void>((r) => (resume = r));
      stalled = { promise, resume };
    },
    resume() {
      const s = stalled;
      stalled = null;
      s?.resume();
    },
  };
}

function produce(client: RawClient, value: Buffer) {
  const records = encodeBatch({ baseOffset: 0, records: [{ key: null, value, timestampMs: Date.now() }] });
  return client.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{ name: 'disk', partitionData: [{ index: 0, records }] }] });
}

test('a stalled disk stops request reading at queued.max.request.bytes, and every write completes after', async () => {
  const disk = stallableDisk();
  const limitBytes = 1 * MIB;
  const running = await startTestBroker({ fileOps: disk.ops, config: { 'queued.max.request.bytes': String(limitBytes) } });
  const clients: RawClient[] = [];
  try {
    const admin = await RawClient.connect(running.port);
    clients.push(admin);
    await admin.request(19, 7, { topics: [{ name: 'disk', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
    for (let i = 0; i < PRODUCERS; i++) clients.push(await RawClient.connect(running.port));

    disk.stall();
    const value = Buffer.alloc(RECORD_BYTES, 7);
    // Every producer pipelines all its requests at once: 12 MiB in flight against a 1 MiB bound.
    const answers = clients.slice(1).flatMap((c) => Array.from({ length: REQUESTS_PER_PRODUCER }, () => produce(c, value)));
    for (const a of answers) a.catch(() => undefined); // a failed assertion closes the clients under them
    // The backlog only grows while the disk is stalled: once past the bound, watch where it stops.
    await eventually('a backlog past the bound', async () => (running.broker.unwrittenBytes > limitBytes ? true : undefined), 10_000);
    const maxUnwrittenBytes = await sampleMax(() => running.broker.unwrittenBytes, 30);
    // Past the bound each connection finishes at most the frames of the chunk it was reading.
    assert.ok(maxUnwrittenBytes < limitBytes + PRODUCERS * 3 * RECORD_BYTES, `unwritten bytes stayed near the bound: ${maxUnwrittenBytes}`);

    disk.resume();
    const results = await Promise.all(answers);
    for (const r of results) assert.equal(r.responses[0].partitionResponses[0].errorCode, 0);
    const offsets = results.map((r) => Number(r.responses[0].partitionResponses[0].baseOffset)).sort((a, b) => a - b);
    assert.deepEqual(offsets, Array.from({ length: PRODUCERS * REQUESTS_PER_PRODUCER }, (_, i) => i), 'every request appended once');
    assert.equal(running.broker.unwrittenBytes, 0);
  } finally {
    disk.resume();
    for (const c of clients) c.close();
    await running.stop();
    removeDir(running.dataDir);
  }
});
