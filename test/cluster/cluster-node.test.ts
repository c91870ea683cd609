/**
 * ClusterNode against a real etcd: registration, controller election, topic creation through
 * etcd, ISR compare-and-swap, failover when a broker's lease expires, and an etcd restart.
 * Replication is a recording stand-in (the ReplicaRoleSink contract only).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterNode } from '../../src/cluster/cluster-node.js';
import type { PartitionState, ReplicaRoleSink } from '../../src/cluster/contract.js';
import { TopicRegistry } from '../../src/broker/topics.js';
import { MemoryLogStore } from '../../src/storage/memory/memory-store.js';
import { parseBrokerConfig } from '../../src/config/broker-config.js';
import { settingsFromConfig } from '../../src/broker/settings.js';
import { createLogger } from '../../src/log/logger.js';
import { ErrorCode, KafkaError } from '../../src/protocol/errors.js';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.js';

const SESSION_TIMEOUT_MS = 2000;
const settings = settingsFromConfig(parseBrokerConfig({}).config, 'test');

class RecordingSink implements ReplicaRoleSink {
  readonly applied: PartitionState[] = [];
  async applyPartitionState(state: PartitionState): Promise<void> {
    this.applied.push(state);
  }
  async close(): Promise<void> {}
  latest(topic: string, partition: number): PartitionState | undefined {
    return this.applied.filter((s) => s.topic === topic && s.partition === partition).at(-1);
  }
}

interface Member {
  node: ClusterNode;
  topics: TopicRegistry;
  sink: RecordingSink;
}

async function join(etcd: TestEtcd, nodeId: number): Promise<Member> {
  const node = new ClusterNode({
    endpoints: [etcd.endpoint],
    nodeId,
    rack: null,
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    logger: createLogger({ level: 'silent' }),
    defaults: { replicationFactor: 1, offsetsTopicReplicationFactor: 3, transactionStateLogReplicationFactor: 3, uncleanLeaderElection: false },
    random: () => 0,
  });
  await node.connect('cluster-node-test');
  const topics = new TopicRegistry({ store: new MemoryLogStore(), logConfigFor: (o) => settings.logConfigFor(o) });
  const sink = new RecordingSink();
  await node.start({ host: '127.0.0.1', port: 9000 + nodeId }, topics, sink);
  return { node, topics, sink };
}

async function eventually(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let etcd: TestEtcd | null = null;
const members: Member[] = [];

before(async () => {
  if (!etcdMissing) etcd = await startEtcd();
});

after(async () => {
  for (const m of members) await m.node.stop().catch(() => undefined);
  await etcd?.stop();
});

test('two brokers, one controller, a topic created through etcd, ISR CAS, failover and an etcd restart', { skip: etcdMissing, timeout: 60_000 }, async () => {
  const a = await join(etcd!, 1);
  const b = await join(etcd!, 2);
  members.push(a, b);
  await eventually('both brokers registered', () => a.node.metadata.brokers.size === 2 && b.node.metadata.brokers.size === 2);
  await eventually('a controller', () => a.node.metadata.controllerId !== -1 && a.node.metadata.controllerId === b.node.metadata.controllerId);
  assert.equal([a, b].filter((m) => m.node.isController).length, 1, 'exactly one controller');
  assert.deepEqual(a.node.endpoint(2), { nodeId: 2, host: '127.0.0.1', port: 9002, rack: null });

  // Too few brokers for the factor.
  await assert.rejects(async () => a.topics.create('wide', 1, {}, { replicationFactor: 3 }), (err: unknown) => err instanceof KafkaError && err.code === ErrorCode.INVALID_REPLICATION_FACTOR);

  const topic = await a.topics.create('orders', 2, { 'min.insync.replicas': '2' }, { replicationFactor: 2 });
  assert.equal(topic.partitions.length, 2);
  await eventually('broker 2 opened the topic', () => b.topics.get('orders')?.topicId === topic.topicId);
  const p0 = a.node.metadata.partition('orders', 0)!.state;
  assert.deepEqual(p0.replicas, [1, 2]);
  assert.equal(p0.leader, 1);
  assert.deepEqual(p0.isr, [1, 2]);
  await eventually('both sinks got both partitions', () => [a, b].every((m) => m.sink.latest('orders', 0) && m.sink.latest('orders', 1)));
  await assert.rejects(async () => b.topics.create('orders', 1), (err: unknown) => err instanceof KafkaError && err.code === ErrorCode.TOPIC_ALREADY_EXISTS);

  // Replication factor 1: only the replica's broker opens the partition in its store.
  await a.topics.create('single', 2, {}, { replicationFactor: 1 });
  await eventually('broker 2 has the single-replica topic', () => b.topics.get('single') !== undefined);
  for (let partition = 0; partition < 2; partition++) {
    const [owner] = a.node.metadata.partition('single', partition)!.state.replicas;
    for (const m of [a, b]) {
      const local = m.topics.get('single')!.partitions[partition]!;
      assert.equal(m.topics.isPlaceholder(local), m.node.localNodeId !== owner, `broker ${m.node.localNodeId}, single-${partition}`);
    }
    const other = owner === 1 ? b : a;
    await assert.rejects(
      other.topics.get('single')!.partitions[partition]!.append(Buffer.alloc(0), []),
      (err: unknown) => err instanceof KafkaError && err.code === ErrorCode.NOT_LEADER_OR_FOLLOWER,
    );
  }

  // The leader shrinks its ISR; a proposal based on the old epoch gets the current state back.
  const shrunk = await a.node.alterIsr(p0, [1]);
  assert.deepEqual(shrunk.isr, [1]);
  assert.equal(shrunk.partitionEpoch, p0.partitionEpoch + 1);
  const stale = await a.node.alterIsr(p0, [1, 2]);
  assert.deepEqual(stale, shrunk);
  const expanded = await a.node.alterIsr(shrunk, [1, 2]);
  assert.deepEqual(expanded.isr, [1, 2]);
  await eventually('broker 2 applied the expanded ISR', () => b.sink.latest('orders', 0)?.partitionEpoch === expanded.partitionEpoch);

  // etcd restarts: the brokers keep their registrations and the watch resumes.
  await etcd!.restart();
  await a.topics.create('after-restart', 1, {}, { replicationFactor: 2 });
  await eventually('broker 2 saw a topic created after the etcd restart', () => b.topics.get('after-restart') !== undefined);

  // Broker 1 dies without a word (no lease revoke): its lease expires, broker 2 leads everything.
  members.splice(members.indexOf(a), 1);
  await a.node.session.close();
  await eventually('broker 2 leads orders-0 after the lease expired', () => b.node.metadata.partition('orders', 0)?.state.leader === 2, SESSION_TIMEOUT_MS * 5);
  const failedOver = b.node.metadata.partition('orders', 0)!.state;
  assert.equal(failedOver.leaderEpoch, expanded.leaderEpoch + 1);
  assert.deepEqual(failedOver.isr, [2]);
  assert.equal(b.node.isController, true);
  assert.equal(b.sink.latest('orders', 0)?.leader, 2);

  // Topic deletion goes through etcd too.
  await b.topics.delete('after-restart');
  assert.equal(b.topics.get('after-restart'), undefined);
  assert.equal(b.node.metadata.topics.has('after-restart'), false);
});
