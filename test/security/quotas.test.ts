/**
 * Client quotas: the sampled rate and throttle time, Kafka's entity resolution order,
 * AlterClientQuotas / DescribeClientQuotas (durable), and a kafkajs producer over its byte-rate
 * quota throttled to it while another client is not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import kafkajs from 'kafkajs';
import { RateBudget } from '../../src/security/quota-rate.js';
import { QuotaStore } from '../../src/security/quota-store.js';
import { ClientQuotas, PRODUCE_BYTE_RATE } from '../../src/security/quotas.js';
import { RawClient } from '../helpers/raw-client.js';
import { removeDir, startTestBroker } from '../helpers/broker.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { encodeBatch } from '../../src/records/record-batch.js';

const { Kafka, logLevel } = kafkajs;

test('the rate budget allows a burst of samples-1 windows, then throttles to the quota', () => {
  const budget = new RateBudget({ samples: 3, windowMs: 1000 }, 0);
  assert.equal(budget.record(1500, 1000, 0), 0); // within the 2 s burst at 1000 B/s
  assert.equal(budget.record(1000, 1000, 0), 500); // 2500 bytes: 0.5 s ahead of the quota
  assert.equal(budget.record(1000, 1000, 500), 1000); // waited, sent 1 s worth: wait 1 s again
  // Idle long enough, the burst is available again (but not more than it).
  assert.equal(budget.record(2000, 1000, 10_000), 0);
  assert.equal(budget.record(1, 1000, 10_000), 1);
  // One huge request is throttled at most the whole window; the rest is owed later.
  assert.equal(budget.record(10_000, 1000, 20_000), 3000);
  assert.equal(budget.record(1, 1000, 23_000), 3000);
  assert.equal(budget.record(1, 1000, 28_000), 2);
});

test('quota resolution follows Kafka order and shares the rate of the matched entity', async () => {
  const store = new QuotaStore(null);
  const entity = (user?: string | null, client?: string | null) => {
    const m = new Map<string, string | null>();
    if (user !== undefined) m.set('user', user);
    if (client !== undefined) m.set('client-id', client);
    return m;
  };
  const set = (e: Map<string, string | null>, value: number) => ({ entity: e, set: new Map([[PRODUCE_BYTE_RATE, value]]) });
  await store.apply([
    set(entity(undefined, null), 1), // client-id=<default>
    set(entity(undefined, 'c1'), 2), // client-id=c1
    set(entity(null), 3), // user=<default>
    set(entity(null, 'c1'), 4), // user=<default>,client-id=c1
    set(entity('alice'), 5), // user=alice
    set(entity('alice', 'c1'), 6), // user=alice,client-id=c1
  ]);
  let nowMs = 0;
  const quotas = new ClientQuotas(store, { samples: 2, windowMs: 1000 }, () => nowMs);
  assert.equal(quotas.boundFor(PRODUCE_BYTE_RATE, 'alice', 'c1'), 6);
  assert.equal(quotas.boundFor(PRODUCE_BYTE_RATE, 'alice', 'c2'), 5);
  assert.equal(quotas.boundFor(PRODUCE_BYTE_RATE, 'bob', 'c1'), 4);
  assert.equal(quotas.boundFor(PRODUCE_BYTE_RATE, 'bob', 'c2'), 3);
  assert.equal(quotas.boundFor('consumer_byte_rate', 'bob', 'c2'), null);
  await store.apply([{ entity: entity(null), set: new Map([[PRODUCE_BYTE_RATE, null]]) }, { entity: entity(null, 'c1'), set: new Map([[PRODUCE_BYTE_RATE, null]]) }]);
  assert.equal(quotas.boundFor(PRODUCE_BYTE_RATE, 'bob', 'c1'), 2);
  assert.equal(quotas.boundFor(PRODUCE_BYTE_RATE, 'bob', 'c9'), 1);
  // user=alice (5/s) is one rate for all of alice's clients but c1: c2 and c3 share it.
  assert.equal(quotas.record(PRODUCE_BYTE_RATE, 'User:alice', 'c2', 5), 0);
  assert.ok(quotas.record(PRODUCE_BYTE_RATE, 'User:alice', 'c3', 5) > 0);
  // client-id=<default> gives each client id its own rate.
  assert.equal(quotas.record(PRODUCE_BYTE_RATE, 'User:bob', 'c8', 1), 0);
  assert.equal(quotas.record(PRODUCE_BYTE_RATE, 'User:bob', 'c9', 1), 0);
  // Once the windows have passed, alice is within her quota again.
  nowMs = 5000;
  assert.equal(quotas.record(PRODUCE_BYTE_RATE, 'User:alice', 'c2', 1), 0);
});

test('AlterClientQuotas and DescribeClientQuotas, kept across a restart', async () => {
  let broker = await startTestBroker();
  const dataDir = broker.dataDir;
  try {
    let client = await RawClient.connect(broker.port);
    const altered = await client.request(49, 1, {
      validateOnly: false,
      entries: [
        { entity: [{ entityType: 'user', entityName: 'alice' }], ops: [{ key: 'producer_byte_rate', value: 1024, remove: false }] },
        { entity: [{ entityType: 'client-id', entityName: null }], ops: [{ key: 'consumer_byte_rate', value: 2048, remove: false }] },
        { entity: [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: 'app' }], ops: [{ key: 'producer_byte_rate', value: 10, remove: false }] },
        { entity: [{ entityType: 'ip', entityName: '1.2.3.4' }], ops: [{ key: 'producer_byte_rate', value: 1, remove: false }] },
        { entity: [{ entityType: 'user', entityName: 'bob' }], ops: [{ key: 'bogus', value: 1, remove: false }] },
      ],
    });
    assert.deepEqual(altered.entries.map((e: { errorCode: number }) => e.errorCode), [0, 0, 0, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    client.close();
    await broker.stop();
    broker = await startTestBroker({ dataDir });
    client = await RawClient.connect(broker.port);
    const describe = (components: unknown[], strict: boolean) => client.request(48, 1, { components, strict });
    const alice = await describe([{ entityType: 'user', matchType: 0, match: 'alice' }], false);
    assert.equal(alice.entries.length, 2);
    const aliceOnly = await describe([{ entityType: 'user', matchType: 0, match: 'alice' }], true);
    assert.deepEqual(aliceOnly.entries, [{ entity: [{ entityType: 'user', entityName: 'alice' }], values: [{ key: 'producer_byte_rate', value: 1024 }] }]);
    const defaults = await describe([{ entityType: 'client-id', matchType: 1, match: null }], true);
    assert.deepEqual(defaults.entries[0].values, [{ key: 'consumer_byte_rate', value: 2048 }]);
    const anyClient = await describe([{ entityType: 'client-id', matchType: 2, match: null }], false);
    assert.equal(anyClient.entries.length, 2);
    client.close();
  } finally {
    await broker.stop();
    removeDir(dataDir);
  }
});

test('a producer over its byte-rate quota is throttled to it; another client is not', async () => {
  const QUOTA = 400_000;
  const broker = await startTestBroker({ storage: 'memory', config: { 'quota.window.num': '3', 'quota.window.size.seconds': '1' } });
  try {
    const admin = await RawClient.connect(broker.port);
    const altered = await admin.request(49, 1, {
      validateOnly: false,
      entries: [{ entity: [{ entityType: 'client-id', entityName: 'slow' }], ops: [{ key: 'producer_byte_rate', value: QUOTA, remove: false }] }],
    });
    assert.equal(altered.entries[0].errorCode, 0);
    admin.close();
    const producerFor = (clientId: string) =>
      new Kafka({ clientId, brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING }).producer({ allowAutoTopicCreation: true });
    const value = Buffer.alloc(10_000, 1);
    const messages = Array.from({ length: 4 }, () => ({ value }));
    const run = async (clientId: string, durationMs: number) => {
      const producer = producerFor(clientId);
      await producer.connect();
      const acks: { atMs: number; bytes: number }[] = [];
      const start = performance.now();
      let bytes = 0;
      while (performance.now() - start < durationMs) {
        await producer.send({ topic: `quota-${clientId}`, messages, acks: 1 });
        bytes += messages.length * value.length;
        acks.push({ atMs: performance.now() - start, bytes });
      }
      await producer.disconnect();
      return acks;
    };
    const [slow, fast] = await Promise.all([run('slow', 9000), run('fast', 4000)]);
    // The rate over the steady part of the run (after the first, unthrottled burst).
    const at = (acks: { atMs: number; bytes: number }[], ms: number) => acks.filter((a) => a.atMs <= ms).at(-1)!;
    const from = at(slow, 3000);
    const to = slow.at(-1)!;
    const slowRate = ((to.bytes - from.bytes) * 1000) / (to.atMs - from.atMs);
    assert.ok(Math.abs(slowRate - QUOTA) <= QUOTA * 0.1, `throttled producer ran at ${Math.round(slowRate)} B/s, quota ${QUOTA}`);
    const fastRate = (fast.at(-1)!.bytes * 1000) / fast.at(-1)!.atMs;
    assert.ok(fastRate > 2 * QUOTA, `unthrottled producer ran at only ${Math.round(fastRate)} B/s`);
  } finally {
    await broker.stop();
    removeDir(broker.dataDir);
  }
});

test('a throttled response carries throttle_time_ms and the connection reads nothing more until it passes', async () => {
  const broker = await startTestBroker({ storage: 'memory', config: { 'quota.window.num': '3', 'quota.window.size.seconds': '1' } });
  try {
    const client = await RawClient.connect(broker.port);
    await client.request(49, 1, {
      validateOnly: false,
      entries: [{ entity: [{ entityType: 'client-id', entityName: 'raw-client' }], ops: [
        { key: 'producer_byte_rate', value: 10_000, remove: false },
        { key: 'consumer_byte_rate', value: 10_000, remove: false },
      ] }],
    });
    const records = encodeBatch({ baseOffset: 0, records: [{ key: null, value: Buffer.alloc(30_000, 7), headers: [], timestampMs: Date.now() }] });
    const produce = () => client.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'throttled', partitionData: [{ index: 0, records }] }] });
    const first = await produce();
    assert.equal(first.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    // 30 kB against 10 kB/s with a 2 s burst: about 1 s ahead of the quota.
    assert.ok(first.throttleTimeMs >= 900 && first.throttleTimeMs <= 1100, `throttle ${first.throttleTimeMs}`);
    const start = performance.now();
    await client.request(3, 1, { topics: null });
    const waitedMs = performance.now() - start;
    assert.ok(waitedMs >= first.throttleTimeMs - 50, `answered after ${waitedMs} ms while muted for ${first.throttleTimeMs}`);
    const fetched = await client.request(1, 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'throttled', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    assert.ok(fetched.throttleTimeMs > 0, 'the fetch quota did not throttle');
    client.close();
  } finally {
    await broker.stop();
    removeDir(broker.dataDir);
  }
});
