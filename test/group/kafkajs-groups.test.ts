/**
 * kafkajs consumer groups against Brook: members joining and leaving, exactly one owner per
 * partition per generation, every record consumed once per group with per-key order, committed
 * offsets surviving a restart, and a member that stops heartbeating being removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssignerProtocol, Kafka, logLevel, type Consumer } from 'kafkajs';
import { startTestBroker, removeDir, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';

const BROKER_CONFIG = {
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '500',
  'offsets.topic.num.partitions': '5',
};

interface Consumed {
  member: string;
  partition: number;
  key: string;
  seq: number;
}

function kafkaFor(broker: TestBroker, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50 } });
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function startConsumer(broker: TestBroker, groupId: string, topic: string, name: string, sink: Consumed[]): Promise<Consumer> {
  const consumer = kafkaFor(broker, name).consumer({ groupId, sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 100, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      sink.push({ member: name, partition, key: message.key!.toString(), seq: Number(message.value!.toString()) });
    },
  });
  return consumer;
}

/** Watches the group: every Stable snapshot must assign each partition to at most one member. */
function watchAssignments(broker: TestBroker, groupId: string): { stop(): void; snapshots: number; violations: string[] } {
  const result = { snapshots: 0, violations: [] as string[], stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    const group = broker.broker.groups.coordinator.describeGroups([groupId])[0]!;
    if (group.groupState !== 'Stable') return;
    result.snapshots++;
    const owners = new Map<string, string>();
    for (const m of group.members) {
      const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      for (const [topic, partitions] of Object.entries(decoded?.assignment ?? {})) {
        for (const p of partitions) {
          const key = `${topic}/${p}`;
          if (owners.has(key)) result.violations.push(`${key} owned by ${owners.get(key)} and ${m.memberId}`);
          owners.set(key, m.memberId);
        }
      }
    }
  }, 5);
  return result;
}

function stableMembers(broker: TestBroker, groupId: string): number {
  const group = broker.broker.groups.coordinator.describeGroups([groupId])[0]!;
  return group.groupState === 'Stable' ? group.members.length : -1;
}

function committedTotal(broker: TestBroker, groupId: string): number {
  return broker.broker.groups.coordinator.fetchOffsets(groupId, null).topics.reduce((sum, t) => sum + t.partitions.reduce((s, p) => s + Math.max(0, p.committedOffset), 0), 0);
}

test('two then three members, then one leaves: each record consumed once, per-key order, one owner per partition', async () => {
  const broker = await startTestBroker({ storage: 'memory', config: BROKER_CONFIG });
  const kafka = kafkaFor(broker, 'admin');
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumers: Consumer[] = [];
  const watcher = watchAssignments(broker, 'kg');
  try {
    await admin.connect();
    await producer.connect();
    await admin.createTopics({ topics: [{ topic: 'kg-topic', numPartitions: 6 }] });
    const consumed: Consumed[] = [];
    let seq = 0;
    const produce = async (count: number) => {
      const messages = Array.from({ length: count }, () => ({ key: `key-${seq % 30}`, value: String(seq++) }));
      await producer.send({ topic: 'kg-topic', messages });
    };
    const phase = async (members: number) => {
      await waitFor(`${members} stable members`, () => stableMembers(broker, 'kg') === members);
      await produce(300);
      await waitFor(`${seq} records consumed`, () => consumed.length >= seq);
      await waitFor('offsets committed', () => committedTotal(broker, 'kg') === seq);
    };

    consumers.push(await startConsumer(broker, 'kg', 'kg-topic', 'a', consumed));
    consumers.push(await startConsumer(broker, 'kg', 'kg-topic', 'b', consumed));
    await phase(2);
    consumers.push(await startConsumer(broker, 'kg', 'kg-topic', 'c', consumed));
    const phase2Start = consumed.length;
    await phase(3);
    const phase2Members = new Set(consumed.slice(phase2Start).map((c) => c.member));
    assert.equal(phase2Members.size, 3, 'all three members got partitions');
    await consumers.shift()!.disconnect();
    await phase(2);

    assert.equal(consumed.length, 900, 'no record consumed twice');
    assert.equal(new Set(consumed.map((c) => c.seq)).size, 900, 'every record consumed');
    const lastByKey = new Map<string, number>();
    for (const c of consumed) {
      assert.ok((lastByKey.get(c.key) ?? -1) < c.seq, `key ${c.key} out of order at ${c.seq}`);
      lastByKey.set(c.key, c.seq);
    }
    assert.ok(watcher.snapshots > 0);
    assert.deepEqual(watcher.violations, []);

    // A second group on the same topic reads everything again, independently.
    const other: Consumed[] = [];
    consumers.push(await startConsumer(broker, 'kg-other', 'kg-topic', 'z', other));
    await waitFor('second group consumed all', () => other.length >= 900);
    assert.equal(new Set(other.map((c) => c.seq)).size, 900);
  } finally {
    watcher.stop();
    for (const c of consumers) await c.disconnect();
    await producer.disconnect();
    await admin.disconnect();
    await broker.stop();
    removeDir(broker.dataDir);
  }
});

test('committed offsets and group metadata survive a broker restart; the group resumes after them', async () => {
  let broker = await startTestBroker({ config: BROKER_CONFIG });
  const dataDir = broker.dataDir;
  try {
    let kafka = kafkaFor(broker, 'restart');
    let producer = kafka.producer();
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'resume', numPartitions: 2 }] });
    await producer.send({ topic: 'resume', messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 5}`, value: String(i) })) });
    const first: Consumed[] = [];
    const consumer = await startConsumer(broker, 'resumer', 'resume', 'first', first);
    await waitFor('first 50 committed', () => committedTotal(broker, 'resumer') === 50);
    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
    await broker.stop();

    broker = await startTestBroker({ dataDir, config: BROKER_CONFIG });
    kafka = kafkaFor(broker, 'restart-2');
    const admin2 = kafka.admin();
    await admin2.connect();
    const offsets = await admin2.fetchOffsets({ groupId: 'resumer', topics: ['resume'] });
    const total = offsets[0]!.partitions.reduce((s, p) => s + Number(p.offset), 0);
    assert.equal(total, 50, 'offsets came back from __consumer_offsets');
    const described = await admin2.describeGroups(['resumer']);
    assert.equal(described.groups[0]!.state, 'Empty');
    assert.equal(described.groups[0]!.protocolType, 'consumer');
    producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'resume', messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 5}`, value: String(50 + i) })) });
    const second: Consumed[] = [];
    const resumed = await startConsumer(broker, 'resumer', 'resume', 'second', second);
    await waitFor('the 20 new records', () => second.length >= 20);
    await waitFor('offsets committed', () => committedTotal(broker, 'resumer') === 70);
    await resumed.disconnect();
    assert.deepEqual(second.map((c) => c.seq).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => 50 + i), 'only records after the committed offsets');
    await producer.disconnect();
    await admin2.disconnect();
  } finally {
    await broker.stop();
    removeDir(dataDir);
  }
});

test('a member that stops heartbeating is removed after its session timeout and its partitions move', async () => {
  const broker = await startTestBroker({ storage: 'memory', config: BROKER_CONFIG });
  const kafka = kafkaFor(broker, 'hb');
  const admin = kafka.admin();
  const producer = kafka.producer();
  let consumer: Consumer | null = null;
  const raw = await RawClient.connect(broker.port);
  try {
    await admin.connect();
    await producer.connect();
    await admin.createTopics({ topics: [{ topic: 'hb-topic', numPartitions: 4 }] });
    const consumed: Consumed[] = [];
    consumer = await startConsumer(broker, 'hb-group', 'hb-topic', 'live', consumed);
    await waitFor('live member stable', () => stableMembers(broker, 'hb-group') === 1);

    // A second member joins with the kafkajs protocol, syncs, then goes silent.
    const metadata = AssignerProtocol.MemberMetadata.encode({ version: 0, topics: ['hb-topic'], userData: Buffer.alloc(0) });
    const joinBody = (memberId: string) => ({ groupId: 'hb-group', sessionTimeoutMs: 1000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'RoundRobinAssigner', metadata }] });
    const first = await raw.request(11, 5, joinBody(''));
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    const joined = await raw.request(11, 5, joinBody(first.memberId));
    assert.equal(joined.errorCode, ErrorCode.NONE);
    const synced = await raw.request(14, 3, { groupId: 'hb-group', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, assignments: [] });
    assert.equal(synced.errorCode, ErrorCode.NONE);
    const silentAssignment = AssignerProtocol.MemberAssignment.decode(synced.assignment)!.assignment['hb-topic'] ?? [];
    assert.ok(silentAssignment.length > 0, 'the silent member owned partitions');
    await waitFor('two stable members', () => stableMembers(broker, 'hb-group') === 2);

    const silentSince = Date.now();
    await waitFor('the silent member removed', () => stableMembers(broker, 'hb-group') === 1, 10_000);
    assert.ok(Date.now() - silentSince >= 800, 'not before its session timeout');
    const hb = await raw.request(12, 3, { groupId: 'hb-group', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null });
    assert.equal(hb.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);

    await producer.send({ topic: 'hb-topic', messages: silentAssignment.map((partition) => ({ partition, key: 'x', value: '1' })) });
    await waitFor('the live member reads the moved partitions', () => silentAssignment.every((p) => consumed.some((c) => c.partition === p)));
  } finally {
    raw.close();
    await consumer?.disconnect();
    await producer.disconnect();
    await admin.disconnect();
    await broker.stop();
    removeDir(broker.dataDir);
  }
});

test('kafkajs admin: fetch offsets, list, describe and delete groups', async () => {
  const broker = await startTestBroker({ storage: 'memory', config: BROKER_CONFIG });
  const admin = kafkaFor(broker, 'admin-ops').admin();
  const raw = await RawClient.connect(broker.port);
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'adm', numPartitions: 3 }] });
    // (kafkajs setOffsets runs a paused consumer that waits out a 5 s fetch: commit directly instead.)
    const committed = await raw.request(8, 8, {
      groupId: 'adm-group',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: 'adm', partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: 'hello' }, { partitionIndex: 2, committedOffset: 8, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    assert.equal(committed.topics[0].partitions[0].errorCode, ErrorCode.NONE);
    const fetched = await admin.fetchOffsets({ groupId: 'adm-group', topics: ['adm'] });
    // kafkajs turns an empty metadata string into null.
    assert.deepEqual(fetched[0]!.partitions.map((p) => [p.partition, p.offset, p.metadata ?? '']).sort(), [[0, '5', 'hello'], [1, '-1', ''], [2, '8', '']]);
    const listed = await admin.listGroups();
    assert.deepEqual(listed.groups.map((g) => g.groupId), ['adm-group']);
    const described = await admin.describeGroups(['adm-group']);
    assert.equal(described.groups[0]!.state, 'Empty');
    const deleted = await admin.deleteGroups(['adm-group']);
    assert.equal(deleted[0]!.errorCode, ErrorCode.NONE);
    assert.equal((await admin.listGroups()).groups.length, 0);
    const again = await admin.deleteGroups(['adm-group']).catch((err: { groups?: { error?: { type?: string } }[] }) => err);
    assert.equal((again as { groups: { error: { type: string } }[] }).groups[0]!.error.type, 'GROUP_ID_NOT_FOUND');
  } finally {
    raw.close();
    await admin.disconnect();
    await broker.stop();
    removeDir(broker.dataDir);
  }
});
