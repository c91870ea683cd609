/** Fetch semantics checked on the wire: long polling, byte limits, offsets out of range, topic ids. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, removeDir, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { encodeBatch } from '../../src/records/record-batch.js';
import { decodeBatches } from '../../src/records/record-batch.js';
import { ErrorCode } from '../../src/protocol/errors.js';

let broker: TestBroker;
let client: RawClient;
let topicId: string;

before(async () => {
  broker = await startTestBroker({ storage: 'memory' });
  client = await RawClient.connect(broker.port);
  const created = await client.request(19, 7, { topics: [{ name: 'f', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
  assert.equal(created.topics[0].errorCode, 0);
  topicId = created.topics[0].topicId;
});

after(async () => {
  client.close();
  await broker.stop();
  removeDir(broker.dataDir);
});

function batch(values: string[]): Buffer {
  return encodeBatch({ baseOffset: 0, records: values.map((v) => ({ key: null, value: Buffer.from(v), headers: [], timestampMs: Date.now() })) });
}

function produce(values: string[]) {
  return client.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 'f', partitionData: [{ index: 0, records: batch(values) }] }] });
}

function fetchRequest(offset: number, maxWaitMs: number, minBytes: number, partitionMaxBytes = 1 << 20) {
  return {
    maxWaitMs, minBytes, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 'f', topicId, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes, currentLeaderEpoch: -1, logStartOffset: -1, lastFetchedEpoch: -1 }] }],
    forgottenTopicsData: [], rackId: '',
  };
}

test('a waiting fetch is woken by a produce long before max.wait.ms', async () => {
  const started = Date.now();
  const pending = client.request(1, 12, fetchRequest(0, 10_000, 1));
  await new Promise((r) => setTimeout(r, 50));
  // Same socket: the produce is answered after the fetch (responses keep request order), so use another.
  const producer = await RawClient.connect(broker.port);
  await producer.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'f', partitionData: [{ index: 0, records: batch(['wake']) }] }] });
  producer.close();
  const response = await pending;
  assert.ok(Date.now() - started < 5000, 'woken by the append, not the timeout');
  const records = decodeBatches(response.responses[0].partitions[0].records).flatMap((b) => b.records);
  assert.equal(records[0]!.value!.toString(), 'wake');
});

test('a fetch at the end of the log waits max.wait.ms and returns empty', async () => {
  const end = (await produce(['x'])).responses[0].partitionResponses[0].baseOffset + 1;
  const started = Date.now();
  const response = await client.request(1, 12, fetchRequest(end, 200, 1));
  const partition = response.responses[0].partitions[0];
  assert.equal(partition.errorCode, 0);
  assert.equal(partition.records.length, 0);
  assert.equal(partition.highWatermark, end);
  assert.ok(Date.now() - started >= 150, 'waited for max.wait.ms');
});

test('partition max bytes still returns one whole batch (KIP-74) and no more', async () => {
  const from = (await produce(['a'.repeat(500)])).responses[0].partitionResponses[0].baseOffset;
  await produce(['b'.repeat(500)]);
  const response = await client.request(1, 12, fetchRequest(from, 0, 0, 10));
  const batches = decodeBatches(response.responses[0].partitions[0].records);
  assert.equal(batches.length, 1);
  assert.equal(batches[0]!.baseOffset, from);
});

test('an offset past the end is OFFSET_OUT_OF_RANGE', async () => {
  const response = await client.request(1, 12, fetchRequest(1_000_000, 0, 0));
  assert.equal(response.responses[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
});

test('fetch v13 addresses topics by id; an unknown id is UNKNOWN_TOPIC_ID', async () => {
  const byId = await client.request(1, 13, fetchRequest(0, 0, 0));
  assert.equal(byId.responses[0].partitions[0].errorCode, 0);
  assert.ok(byId.responses[0].partitions[0].records.length > 0);
  const unknown = fetchRequest(0, 0, 0);
  unknown.topics[0]!.topicId = 'AAAAAAAAAAAAAAAAAAAAAQ';
  const response = await client.request(1, 13, unknown);
  assert.equal(response.responses[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
});

test('max.connections refuses connections past the limit', async () => {
  const limited = await startTestBroker({ storage: 'memory', config: { 'max.connections': '2' } });
  try {
    const a = await RawClient.connect(limited.port);
    const b = await RawClient.connect(limited.port);
    const c = await RawClient.connect(limited.port);
    await assert.rejects(c.request(18, 0, {}), /closed/);
    const versions = await a.request(18, 0, {});
    assert.equal(versions.errorCode, 0);
    for (const client of [a, b, c]) client.close();
  } finally {
    await limited.stop();
    removeDir(limited.dataDir);
  }
});
