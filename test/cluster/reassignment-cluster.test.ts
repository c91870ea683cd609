/**
 * Partition reassignment with real processes: etcd plus three `brook start`. A topic with
 * replication factor 2 on brokers 1 and 2 (1 leads) moves to brokers 2 and 3 (kafkajs' admin
 * alterPartitionReassignments) while an idempotent acks=all producer keeps writing. Afterwards every
 * acknowledged record is readable exactly once, in order, from each new replica; broker 1 no longer
 * holds the partition's directory; ListPartitionReassignments is empty. Also Kafka's errors.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { removeDir } from '../helpers/broker.js';
import { newMembers, startMember, stopMember, type ClusterMember } from '../helpers/cluster-members.js';
import { eventually } from '../helpers/eventually.js';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.js';
import { RawClient } from '../helpers/raw-client.js';
import { kcat } from '../helpers/kcat.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { Admin } from '../../src/client/index.js';

const TOPIC = 'moving';
const IDS = [1, 2, 3];

let etcd: TestEtcd | null = null;
let members: ClusterMember[] = [];

async function request(port: number, apiKey: number, version: number, body: unknown): Promise<any> {
  const client = await RawClient.connect(port);
  try {
    return await client.request(apiKey, version, body);
  } finally {
    client.close();
  }
}

const metadata = (port: number) => request(port, 3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
const listReassignments = (port: number) => request(port, 46, 0, { timeoutMs: 5000, topics: null });

before(async () => {
  if (etcdMissing) return;
  etcd = await startEtcd();
  members = await newMembers(IDS, 'brook-reassign-');
  await Promise.all(members.map(async (m) => {
    await startMember(m, etcd!.endpoint, [
      '--set', 'broker.session.timeout.ms=2000', '--set', 'offsets.topic.num.partitions=1', '--log-level', 'info',
      // Reassignment catch-up throttled on both sides (about 0.5 s for what the test writes first).
      '--set', 'leader.replication.throttled.rate=200000', '--set', 'follower.replication.throttled.rate=150000',
    ]);
  }));
});

after(async () => {
  for (const m of members) {
    await stopMember(m, 'SIGKILL');
    removeDir(m.dataDir);
  }
  await etcd?.stop();
});

test('reassignment from brokers 1,2 to 2,3 under acks=all load: no acknowledged record lost or repeated, old replica deleted', { skip: etcdMissing, timeout: 60_000 }, async () => {
  const [m1, m2] = members;
  await eventually('three brokers registered', async () => ((await metadata(m1!.port)).brokers.length === 3 ? true : undefined));
  const created = await request(m1!.port, 19, 7, {
    topics: [{ name: TOPIC, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }], configs: [{ name: 'min.insync.replicas', value: '2' }] }],
    timeoutMs: 10_000, validateOnly: false,
  });
  assert.equal(created.topics[0].errorCode, ErrorCode.NONE, created.topics[0].errorMessage);

  // Kafka's errors: nothing to cancel, an unknown broker, an unknown partition.
  const errors = await request(m2!.port, 45, 0, {
    timeoutMs: 5000,
    topics: [
      { name: TOPIC, partitions: [{ partitionIndex: 0, replicas: null }, { partitionIndex: 1, replicas: [1, 2] }] },
      { name: 'nope', partitions: [{ partitionIndex: 0, replicas: [1] }] },
    ],
  });
  assert.equal(errors.responses[0].partitions[0].errorCode, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS);
  assert.equal(errors.responses[0].partitions[1].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.equal(errors.responses[1].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const invalid = await request(m2!.port, 45, 0, { timeoutMs: 5000, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, replicas: [2, 9] }, { partitionIndex: 0, replicas: [3, 3] }] }] });
  assert.deepEqual(invalid.responses[0].partitions.map((p: any) => p.errorCode), [ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.INVALID_REPLICA_ASSIGNMENT]);

  const kafka = new Kafka({
    clientId: 'reassign-test',
    brokers: members.map((m) => `127.0.0.1:${m.port}`),
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  const acked: number[] = [];
  let failures = 0;
  let producing = true;
  const loop = (async () => {
    for (let i = 0; producing; i++) {
      try {
        await producer.send({ topic: TOPIC, acks: -1, timeout: 10_000, messages: [{ partition: 0, value: `v-${i}`.padEnd(200, '.') }] });
        acked.push(i);
      } catch {
        failures++;
      }
    }
  })();
  const waitAcks = (n: number, what: string) => eventually(what, async () => (acked.length >= n ? true : undefined), 20_000);
  let sawMove = false;
  try {
    await waitAcks(300, 'records before the move');
    // Broker 3 paused (well inside its 2 s lease) so the move is visibly in progress, and cancelled once.
    const third = members[2]!.child!.child;
    third.kill('SIGSTOP');
    try {
      // Raw requests to broker 2: kafkajs' admin sends these to the controller, which may be the paused one.
      const move = async () => {
        const moved = await request(m2!.port, 45, 0, { timeoutMs: 5000, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, replicas: [2, 3] }] }] });
        assert.equal(moved.responses[0].partitions[0].errorCode, ErrorCode.NONE);
      };
      await move();
      const ongoing = (await listReassignments(m2!.port)).topics.find((t: any) => t.name === TOPIC)?.partitions[0];
      assert.ok(ongoing, 'the move is listed');
      assert.deepEqual(ongoing.replicas, [2, 3, 1], 'the full set during the move');
      assert.deepEqual(ongoing.addingReplicas, [3]);
      assert.deepEqual(ongoing.removingReplicas, [1]);
      assert.deepEqual((await metadata(m1!.port)).topics.find((t: any) => t.name === TOPIC).partitions[0].replicaNodes, [2, 3, 1]);
      const cancelled = await request(m2!.port, 45, 0, { timeoutMs: 5000, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, replicas: null }] }] });
      assert.equal(cancelled.responses[0].partitions[0].errorCode, ErrorCode.NONE);
      assert.equal((await listReassignments(m2!.port)).topics.length, 0, 'cancelled');
      // As KRaft's revert: the original set (in the move's order), without the adding replicas.
      assert.deepEqual((await metadata(m2!.port)).topics.find((t: any) => t.name === TOPIC).partitions[0].replicaNodes, [2, 1]);
      await move();
      sawMove = true;
    } finally {
      third.kill('SIGCONT');
    }
    await eventually('the move to finish everywhere', async () => {
      for (const m of members) {
        const p = (await metadata(m.port)).topics.find((t: any) => t.name === TOPIC)?.partitions[0];
        if (!p || JSON.stringify(p.replicaNodes) !== '[2,3]' || JSON.stringify([...p.isrNodes].sort()) !== '[2,3]' || p.leaderId !== 2) return undefined;
      }
      return true;
    }, 30_000);
    await waitAcks(acked.length + 100, 'records after the move');
  } finally {
    producing = false;
    await loop;
    await producer.disconnect();
  }
  assert.equal((await admin.listPartitionReassignments({})).topics.length, 0, 'no reassignment left');
  for (const m of members) assert.equal((await listReassignments(m.port)).topics.length, 0);
  // Brook's own Admin: the same two calls.
  const brookAdmin = new Admin({ bootstrapServers: members.map((m) => `127.0.0.1:${m.port}`).join(',') });
  try {
    assert.deepEqual(await brookAdmin.listPartitionReassignments(), []);
    await assert.rejects(
      brookAdmin.alterPartitionReassignments({ topics: [{ topic: TOPIC, partitionAssignment: [{ partition: 0, replicas: null }] }] }),
      (err: any) => err.code === ErrorCode.NO_REASSIGNMENT_IN_PROGRESS,
    );
  } finally {
    await brookAdmin.close();
  }
  await eventually('broker 1 deleted its replica', async () => (existsSync(path.join(members[0]!.dataDir, `${TOPIC}-0`)) ? undefined : true), 10_000);
  assert.ok(existsSync(path.join(members[2]!.dataDir, `${TOPIC}-0`)), 'broker 3 holds the partition');

  // Every acknowledged record, once, in order: read from the leader (2), then reorder the replicas
  // to [3, 2] (no data moves, so it completes at once) and elect 3 to read its copy too.
  const last = acked[acked.length - 1]!;
  for (const m of [members[1]!, members[2]!]) {
    if (m.id === 3) {
      await admin.alterPartitionReassignments({ topics: [{ topic: TOPIC, partitionAssignment: [{ partition: 0, replicas: [3, 2] }] }] });
      const elected = await request(m1!.port, 43, 2, { electionType: 0, topicPartitions: [{ topic: TOPIC, partitions: [0] }], timeoutMs: 5000 });
      assert.equal(elected.replicaElectionResults[0].partitionResult[0].errorCode, ErrorCode.NONE);
      await eventually('broker 3 leads', async () => ((await metadata(m.port)).topics.find((t: any) => t.name === TOPIC)?.partitions[0].leaderId === 3 ? true : undefined));
    }
    const read = await kcat(['-C', '-b', `127.0.0.1:${m.port}`, '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%s\n']);
    assert.equal(read.code, 0, read.stderr);
    const values = read.stdout.split('\n').filter((l) => l !== '').map((l) => Number(l.slice(2).replace(/\.+$/, '')));
    assert.equal(new Set(values).size, values.length, 'no record appears twice');
    for (let i = 1; i < values.length; i++) assert.ok(values[i]! > values[i - 1]!, `in order at ${i}`);
    const present = new Set(values);
    const lost = acked.filter((v) => !present.has(v));
    assert.deepEqual(lost, [], `acknowledged records missing (of ${acked.length}, ${failures} failed sends)`);
    assert.ok(present.has(last));
  }
  await admin.disconnect();
  assert.ok(acked.length >= 400, `acknowledged ${acked.length}; saw the move in progress: ${sawMove}`);
  console.log(`reassignment under load: ${acked.length} acknowledged, ${failures} failed sends, move seen in progress: ${sawMove}`);
});
