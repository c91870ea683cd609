/** Produce semantics checked on the wire: acks, validation errors, limits, LogAppendTime. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, removeDir, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { encodeBatch, decodeBatches } from '../../src/records/record-batch.js';
import { ErrorCode } from '../../src/protocol/errors.js';

let broker: TestBroker;
let client: RawClient;

before(async () => {
  broker = await startTestBroker({ storage: 'memory', config: { 'message.max.bytes': '2000' } });
  client = await RawClient.connect(broker.port);
});

after(async () => {
  client.close();
  await broker.stop();
  removeDir(broker.dataDir);
});

function batch(value: string, timestampMs = Date.now()): Buffer {
  return encodeBatch({ baseOffset: 0, records: [{ key: null, value: Buffer.from(value), headers: [], timestampMs }] });
}

async function produce(topic: string, records: Buffer, acks = -1, partition = 0) {
  const response = await client.request(0, 9, { transactionalId: null, acks, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  return response.responses[0].partitionResponses[0];
}

test('offsets are assigned densely across produce requests', async () => {
  const first = await produce('dense', batch('a'));
  const second = await produce('dense', batch('b'));
  assert.equal(first.errorCode, 0);
  assert.equal(second.baseOffset, first.baseOffset + 1);
});

test('acks=0 gets no response, and later requests on the connection are still answered', async () => {
  const noAnswer = client.request(0, 9, { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: 'acks0', partitionData: [{ index: 0, records: batch('fire') }] }] });
  const answered = await produce('acks0', batch('and-forget'));
  assert.equal(answered.errorCode, 0);
  assert.equal(answered.baseOffset, 1, 'the acks=0 record was appended first');
  noAnswer.catch(() => undefined);
});

test('invalid acks is INVALID_REQUIRED_ACKS', async () => {
  assert.equal((await produce('acks', batch('x'), 2)).errorCode, ErrorCode.INVALID_REQUIRED_ACKS);
});

test('a corrupted batch is CORRUPT_MESSAGE and nothing is stored', async () => {
  const bad = batch('corrupt-me');
  bad[bad.length - 1] ^= 0xff;
  assert.equal((await produce('corrupt', bad)).errorCode, ErrorCode.CORRUPT_MESSAGE);
  assert.equal((await produce('corrupt', batch('good'))).baseOffset, 0);
});

test('a batch over message.max.bytes is MESSAGE_TOO_LARGE', async () => {
  assert.equal((await produce('large', batch('x'.repeat(5000)))).errorCode, ErrorCode.MESSAGE_TOO_LARGE);
});

test('an unknown partition is UNKNOWN_TOPIC_OR_PARTITION; an illegal name INVALID_TOPIC_EXCEPTION', async () => {
  await produce('known', batch('x'));
  assert.equal((await produce('known', batch('x'), -1, 7)).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.equal((await produce('bad/name', batch('x'))).errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
});

test('a LogAppendTime topic stamps the broker time and reports it', async () => {
  const created = await client.request(19, 7, {
    topics: [{ name: 'append-time', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
    timeoutMs: 1000,
  });
  assert.equal(created.topics[0].errorCode, 0);
  const before = Date.now();
  const response = await produce('append-time', batch('stamped', 1000));
  assert.ok(response.logAppendTimeMs >= before);
  const fetched = await client.request(1, 12, {
    maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 'append-time', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1, lastFetchedEpoch: -1 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  const [stored] = decodeBatches(fetched.responses[0].partitions[0].records);
  assert.equal(stored!.timestampType, 'LogAppendTime');
  assert.equal(stored!.records[0]!.timestampMs, response.logAppendTimeMs);
});

test('a bad topic config in CreateTopics is INVALID_CONFIG naming the key', async () => {
  const created = await client.request(19, 7, {
    topics: [{ name: 'bad-config', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: 'soon' }] }],
    timeoutMs: 1000,
  });
  assert.equal(created.topics[0].errorCode, ErrorCode.INVALID_CONFIG);
  assert.match(created.topics[0].errorMessage, /retention\.ms/);
});
