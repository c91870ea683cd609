/**
 * A real cluster on loopback: etcd plus three `brook start` processes. Topic with replication
 * factor 3 and min.insync.replicas=2; every broker's Metadata agrees; an idempotent acks=all
 * producer keeps writing while the partition leader is killed with kill -9 and restarted (twice);
 * in the end every acknowledged record is readable exactly once, in order. Then: preferred leader
 * election, a SIGTERM controlled shutdown, a leader paused with SIGSTOP past its lease, a consumer
 * group, and a transaction spanning partitions led by different brokers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { removeDir, type ChildBroker } from '../helpers/broker.js';
import { newMembers, startMember, stopMember, type ClusterMember } from '../helpers/cluster-members.js';
import { eventually } from '../helpers/eventually.js';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.js';
import { RawClient } from '../helpers/raw-client.js';
import { kcat } from '../helpers/kcat.js';
import { ErrorCode } from '../../src/protocol/errors.js';

const SESSION_TIMEOUT_MS = 2000;
const TOPIC = 'replicated';
const IDS = [1, 2, 3];

let etcd: TestEtcd | null = null;
let members: ClusterMember[] = [];

function start(member: ClusterMember): Promise<ChildBroker> {
  return startMember(member, etcd!.endpoint, [
    '--set', `broker.session.timeout.ms=${SESSION_TIMEOUT_MS}`,
    '--set', 'offsets.topic.num.partitions=3',
    '--set', 'replica.lag.time.max.ms=4000',
    '--log-level', 'info',
  ]);
}

const kill = (member: ClusterMember) => stopMember(member, 'SIGKILL');

/** Metadata v12 from one broker; fails after 3 s (a paused broker accepts connections but never answers). */
async function metadata(port: number): Promise<any> {
  const client = await RawClient.connect(port);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no Metadata answer from port ${port}`)), 3000)));
    return await Promise.race([client.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }), timeout]);
  } finally {
    clearTimeout(timer);
    client.close();
  }
}

/** The partition's state as a live broker reports it, once `check` accepts it. */
function partitionState(check: (p: any) => boolean, what: string, timeoutMs?: number): Promise<any> {
  return eventually(
    what,
    async () => {
      for (const m of members) {
        if (!m.child || m.paused) continue;
        const p = (await metadata(m.port)).topics.find((t: any) => t.name === TOPIC)?.partitions[0];
        if (p && check(p)) return p;
      }
      return undefined;
    },
    timeoutMs,
  );
}

before(async () => {
  if (etcdMissing) return;
  etcd = await startEtcd();
  members = await newMembers(IDS, 'brook-cluster-');
  await Promise.all(members.map(start));
});

after(async () => {
  for (const m of members) {
    await kill(m);
    removeDir(m.dataDir);
  }
  await etcd?.stop();
});

test('three brokers agree on Metadata; replication factor bounded by the live brokers', { skip: etcdMissing, timeout: 30_000 }, async () => {
  await eventually('every broker sees three brokers and a controller', async () => {
    const all = await Promise.all(members.map((m) => metadata(m.port)));
    return all.every((md) => md.brokers.length === 3 && md.controllerId !== -1) ? all : undefined;
  });
  const client = await RawClient.connect(members[0]!.port);
  try {
    const created = await client.request(19, 7, {
      topics: [
        { name: TOPIC, numPartitions: 1, replicationFactor: 3, assignments: [], configs: [{ name: 'min.insync.replicas', value: '2' }] },
        { name: 'too-wide', numPartitions: 1, replicationFactor: 4, assignments: [], configs: [] },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE, created.topics[0].errorMessage);
    assert.equal(created.topics[1].errorCode, ErrorCode.INVALID_REPLICATION_FACTOR);
  } finally {
    client.close();
  }
  const views = await eventually('every broker lists the topic', async () => {
    const all = await Promise.all(members.map((m) => metadata(m.port)));
    return all.every((md) => md.topics.some((t: any) => t.name === TOPIC)) ? all : undefined;
  });
  const summary = (md: any) => ({
    brokers: md.brokers.map((b: any) => `${b.nodeId}@${b.host}:${b.port}`).sort(),
    controllerId: md.controllerId,
    clusterId: md.clusterId,
    topic: md.topics.find((t: any) => t.name === TOPIC),
  });
  for (const md of views.slice(1)) assert.deepEqual(summary(md), summary(views[0]));
  const p = summary(views[0]).topic.partitions[0];
  assert.deepEqual([...p.replicaNodes].sort(), IDS);
  assert.deepEqual([...p.isrNodes].sort(), IDS);
  assert.equal(p.leaderId, p.replicaNodes[0]);
  assert.deepEqual(summary(views[0]).brokers, members.map((m) => `${m.id}@127.0.0.1:${m.port}`).sort());
});

test('acks=all survives kill -9 of the leader and its restart: every acknowledged record exactly once, in order', { skip: etcdMissing, timeout: 90_000 }, async () => {
  const kafka = new Kafka({
    clientId: 'cluster-test',
    brokers: members.map((m) => `127.0.0.1:${m.port}`),
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const acked: number[] = [];
  let failures = 0;
  let producing = true;
  const loop = (async () => {
    for (let i = 0; producing; i++) {
      try {
        await producer.send({ topic: TOPIC, acks: -1, timeout: 10_000, messages: [{ partition: 0, value: `v-${i}` }] });
        acked.push(i);
      } catch {
        failures++;
      }
    }
  })();
  try {
    const waitAcks = (n: number, what: string) => eventually(what, async () => (acked.length >= n ? true : undefined), 30_000);
    for (let round = 0; round < 2; round++) {
      await waitAcks(acked.length + 50, `acknowledged records before kill ${round + 1}`);
      const before = await partitionState((p) => p.leaderId !== -1 && p.isrNodes.length === 3, 'a leader with a full ISR', 30_000);
      const victim = members.find((m) => m.id === before.leaderId)!;
      await kill(victim);
      const after = await partitionState((p) => p.leaderId !== -1 && p.leaderId !== victim.id, 'a new leader', SESSION_TIMEOUT_MS * 5);
      assert.ok(after.leaderEpoch > before.leaderEpoch, 'the leader epoch moves on');
      await waitAcks(acked.length + 50, `acknowledged records on the new leader (round ${round + 1})`);
      await start(victim);
    }
    await partitionState((p) => p.isrNodes.length === 3, 'the restarted broker back in the ISR', 30_000);
    await waitAcks(acked.length + 20, 'acknowledged records after the restarts');
  } finally {
    producing = false;
    await loop;
    await producer.disconnect();
  }
  assert.ok(acked.length >= 150, `acknowledged ${acked.length} records (${failures} failed sends)`);

  const leader = await partitionState((p) => p.leaderId !== -1, 'a leader to read from');
  const port = members.find((m) => m.id === leader.leaderId)!.port;
  const read = await kcat(['-C', '-b', `127.0.0.1:${port}`, '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%s\n']);
  assert.equal(read.code, 0, read.stderr);
  const values = read.stdout.split('\n').filter((l) => l !== '').map((l) => Number(l.slice(2)));
  assert.equal(new Set(values).size, values.length, 'no record appears twice');
  for (let i = 1; i < values.length; i++) assert.ok(values[i]! > values[i - 1]!, `in order at ${i}: ${values[i - 1]} then ${values[i]}`);
  const present = new Set(values);
  const lost = acked.filter((i) => !present.has(i));
  assert.deepEqual(lost, [], `acknowledged but not readable (${acked.length} acknowledged, ${values.length} read)`);
});

test('preferred leader election, and a controlled shutdown that hands leadership over before exiting', { skip: etcdMissing, timeout: 60_000 }, async () => {
  const full = await partitionState((p) => p.leaderId !== -1 && p.isrNodes.length === 3, 'a full ISR', 30_000);
  const preferred = full.replicaNodes[0];
  const client = await RawClient.connect(members.find((m) => m.child)!.port);
  try {
    const answer = await client.request(43, 2, { electionType: 0, topicPartitions: [{ topic: TOPIC, partitions: [0] }], timeoutMs: 10_000 });
    const code = answer.replicaElectionResults[0].partitionResult[0].errorCode;
    assert.ok(code === ErrorCode.NONE || code === ErrorCode.ELECTION_NOT_NEEDED, `ElectLeaders answered ${code}`);
  } finally {
    client.close();
  }
  const elected = await partitionState((p) => p.leaderId === preferred, 'the preferred replica leading');

  // SIGTERM: the broker leaves etcd first and waits for the controller to move its leadership.
  const leaving = members.find((m) => m.id === elected.leaderId)!;
  const child = leaving.child!;
  child.child.kill('SIGTERM');
  const exit = await child.exited;
  leaving.child = null;
  assert.equal(exit.code, 0, child.output());
  const other = members.find((m) => m.child)!;
  const p = (await metadata(other.port)).topics.find((t: any) => t.name === TOPIC).partitions[0];
  assert.notEqual(p.leaderId, leaving.id, 'leadership moved before the process exited');
  assert.notEqual(p.leaderId, -1);
  assert.ok(!p.isrNodes.includes(leaving.id), 'the stopped broker left the ISR');
  await start(leaving);
  await partitionState((q) => q.isrNodes.length === 3, 'the broker back in the ISR', 30_000);
});

test('a leader paused with SIGSTOP is replaced; resumed, it re-registers and follows; acknowledged records stay', { skip: etcdMissing, timeout: 60_000 }, async () => {
  // kafkajs retries a timed-out request on the same broker without refreshing metadata, so each
  // phase uses a fresh producer bootstrapped from brokers that answer.
  const sendOnce = async (value: string, via: ClusterMember[]) => {
    const kafka = new Kafka({ clientId: 'cluster-pause-test', brokers: via.map((m) => `127.0.0.1:${m.port}`), logLevel: logLevel.NOTHING, requestTimeout: 5000, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic: TOPIC, acks: -1, timeout: 5000, messages: [{ partition: 0, value }] });
    } finally {
      await producer.disconnect();
    }
  };
  const before = await partitionState((p) => p.leaderId !== -1 && p.isrNodes.length === 3, 'a full ISR', 30_000);
  const paused = members.find((m) => m.id === before.leaderId)!;
  const others = members.filter((m) => m !== paused);
  await sendOnce('p-before', members);
  paused.paused = true;
  paused.child!.child.kill('SIGSTOP');
  try {
    const after = await partitionState((p) => p.leaderId !== -1 && p.leaderId !== paused.id, 'a leader other than the paused one', SESSION_TIMEOUT_MS * 6);
    assert.ok(after.leaderEpoch > before.leaderEpoch);
    assert.ok(!after.isrNodes.includes(paused.id), 'the paused broker left the ISR');
    await sendOnce('p-during', others);
  } finally {
    paused.child!.child.kill('SIGCONT');
    paused.paused = false;
  }
  // Its lease expired while it slept: it registers again and follows the new leader.
  await partitionState((p) => p.isrNodes.length === 3 && p.leaderId !== paused.id, 'the resumed broker back in the ISR as a follower', 30_000);
  await sendOnce('p-after', members);
  const leader = await partitionState((p) => p.leaderId !== -1, 'a leader to read from');
  const read = await kcat(['-C', '-b', `127.0.0.1:${members.find((m) => m.id === leader.leaderId)!.port}`, '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%s\n']);
  const values = read.stdout.split('\n').filter((l) => l.startsWith('p-'));
  assert.deepEqual(values, ['p-before', 'p-during', 'p-after']);
});

test('a consumer group finds its coordinator (the __consumer_offsets leader) and reads everything', { skip: etcdMissing, timeout: 60_000 }, async () => {
  const kafka = new Kafka({ clientId: 'cluster-group-test', brokers: members.map((m) => `127.0.0.1:${m.port}`), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: 'cluster-readers', sessionTimeout: 10_000, heartbeatInterval: 500 });
  const leader = await partitionState((p) => p.leaderId !== -1, 'a leader');
  const end = await eventually('the log end', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return Number((await admin.fetchTopicOffsets(TOPIC))[0]!.high);
    } finally {
      await admin.disconnect();
    }
  });
  assert.ok(end > 0 && leader.leaderId !== -1);
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          seen += batch.messages.length;
          if (seen >= end) resolve();
        },
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`read ${seen} of ${end}`)), 40_000)));
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  assert.equal(seen, end);
  // The group's offsets live on the leader of its __consumer_offsets partition, replicated like any topic.
  const md = await metadata(members.find((m) => m.child)!.port);
  const offsets = md.topics.find((t: any) => t.name === '__consumer_offsets');
  assert.ok(offsets, '__consumer_offsets exists');
  assert.equal(offsets.partitions.length, 3);
  for (const p of offsets.partitions) assert.equal(p.replicaNodes.length, 3);
});

test('transactions across brokers: the coordinator writes markers to other leaders; read_committed sees only committed records', { skip: etcdMissing, timeout: 60_000 }, async () => {
  const kafka = new Kafka({ clientId: 'cluster-txn-test', brokers: members.map((m) => `127.0.0.1:${m.port}`), logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: 'txn-out', numPartitions: 3, replicationFactor: 3 }] });
  } finally {
    await admin.disconnect();
  }
  const leaders = await eventually('leaders on several brokers', async () => {
    const md = await metadata(members.find((m) => m.child)!.port);
    const parts = md.topics.find((t: any) => t.name === 'txn-out')?.partitions ?? [];
    return parts.length === 3 && parts.every((p: any) => p.leaderId !== -1) ? new Set(parts.map((p: any) => p.leaderId)) : undefined;
  });
  assert.ok(leaders.size >= 2, `partition leaders ${[...leaders]}`);
  const producer = kafka.producer({ transactionalId: 'cluster-tx', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const committed = await producer.transaction();
    for (let p = 0; p < 3; p++) await committed.send({ topic: 'txn-out', messages: [{ partition: p, value: `committed-${p}` }] });
    await committed.commit();
    const aborted = await producer.transaction();
    for (let p = 0; p < 3; p++) await aborted.send({ topic: 'txn-out', messages: [{ partition: p, value: `aborted-${p}` }] });
    await aborted.abort();
  } finally {
    await producer.disconnect();
  }
  const bootstrap = members.filter((m) => m.child).map((m) => `127.0.0.1:${m.port}`).join(',');
  const read = await kcat(['-C', '-b', bootstrap, '-t', 'txn-out', '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%s\n']);
  assert.equal(read.code, 0, read.stderr);
  const values = read.stdout.split('\n').filter((l) => l !== '').sort();
  assert.deepEqual(values, ['committed-0', 'committed-1', 'committed-2']);
});
