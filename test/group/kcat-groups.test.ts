/**
 * librdkafka (kcat -G) balanced consumers against Brook, and committed offsets surviving a
 * kill -9 of a broker process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, startChildBroker, freePort, tempDir, removeDir, type TestBroker } from '../helpers/broker.js';
import { kcat, keyedLines, perKeyOrderHolds } from '../helpers/kcat.js';

const GROUP_SETTINGS = ['group.initial.rebalance.delay.ms=0', 'group.min.session.timeout.ms=500', 'offsets.topic.num.partitions=5'];

interface BalancedConsumer {
  child: ChildProcess;
  output(): string;
  errors(): string;
  exited: Promise<void>;
}

/** A `kcat -G` balanced consumer printing `partition key:value` lines. */
function balancedConsumer(bootstrap: string, group: string, topic: string, extra: string[] = []): BalancedConsumer {
  const child = spawn('kcat', [
    '-b', bootstrap, '-G', group, '-u', ...extra,
    '-X', 'auto.offset.reset=earliest',
    '-X', 'session.timeout.ms=6000',
    '-X', 'heartbeat.interval.ms=100',
    '-X', 'auto.commit.interval.ms=100',
    '-f', '%p %k:%s\n',
    topic,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, output: () => out, errors: () => err, exited };
}

/** The partitions kcat reported as assigned, one entry per rebalance. */
function assignments(stderr: string): string[] {
  return [...stderr.matchAll(/rebalanced \(memberid [^)]*\): assigned: (.*)/g)].map((m) => m[1]!.trim());
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

function committedTotal(broker: TestBroker, groupId: string): number {
  return broker.broker.groups.coordinator.fetchOffsets(groupId, null).topics.reduce((sum, t) => sum + t.partitions.reduce((s, p) => s + Math.max(0, p.committedOffset), 0), 0);
}

test('two kcat -G consumers split the partitions; each record is read once; a later member resumes from the commits', async () => {
  const broker = await startTestBroker({ storage: 'memory', config: Object.fromEntries(GROUP_SETTINGS.map((s) => s.split('='))) });
  const consumers: BalancedConsumer[] = [];
  try {
    const created = await kcat(['-b', broker.bootstrapServers, '-L']);
    assert.equal(created.code, 0);
    await broker.broker.topics.create('kc-topic', 4);
    const produced = await kcat(['-b', broker.bootstrapServers, '-P', '-t', 'kc-topic', '-K:'], keyedLines(200, 16));
    assert.equal(produced.code, 0, produced.stderr);
    consumers.push(balancedConsumer(broker.bootstrapServers, 'kc-group', 'kc-topic'));
    consumers.push(balancedConsumer(broker.bootstrapServers, 'kc-group', 'kc-topic'));
    await waitFor('two members', () => {
      const g = broker.broker.groups.coordinator.describeGroups(['kc-group'])[0]!;
      return g.groupState === 'Stable' && g.members.length === 2;
    });
    await waitFor('all 200 read', () => consumers.reduce((n, c) => n + lines(c.output()).length, 0) >= 200);
    await waitFor('all 200 committed', () => committedTotal(broker, 'kc-group') === 200);
    for (const c of consumers) c.child.kill('SIGTERM');
    await Promise.all(consumers.map((c) => c.exited));

    const perConsumer = consumers.map((c) => lines(c.output()));
    const partitionSets = perConsumer.map((ls) => new Set(ls.map((l) => l.split(' ')[0])));
    assert.ok(partitionSets.every((s) => s.size === 2), `partitions per consumer: ${partitionSets.map((s) => [...s].join(','))}`);
    assert.ok([...partitionSets[0]!].every((p) => !partitionSets[1]!.has(p)), 'no partition read by both');
    const records = perConsumer.flat().map((l) => l.slice(l.indexOf(' ') + 1));
    assert.equal(records.length, 200);
    assert.equal(new Set(records).size, 200);
    for (const ls of perConsumer) assert.ok(perKeyOrderHolds(ls.map((l) => l.slice(l.indexOf(' ') + 1))));
    await waitFor('both left', () => broker.broker.groups.coordinator.describeGroups(['kc-group'])[0]!.groupState === 'Empty');

    // A new member of the same group starts from the committed offsets: it sees only new records.
    const late = balancedConsumer(broker.bootstrapServers, 'kc-group', 'kc-topic');
    consumers.push(late);
    await waitFor('late member stable', () => broker.broker.groups.coordinator.describeGroups(['kc-group'])[0]!.groupState === 'Stable');
    await kcat(['-b', broker.bootstrapServers, '-P', '-t', 'kc-topic', '-K:'], 'new:one\nnew:two\n');
    await waitFor('two new records', () => lines(late.output()).length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(lines(late.output()).map((l) => l.slice(l.indexOf(' ') + 1)).sort(), ['new:one', 'new:two']);
  } finally {
    for (const c of consumers) c.child.kill('SIGKILL');
    await broker.stop();
    removeDir(broker.dataDir);
  }
});

test('a static member (group.instance.id) killed and restarted takes its partitions back without a rebalance', async () => {
  const broker = await startTestBroker({ storage: 'memory', config: Object.fromEntries(GROUP_SETTINGS.map((s) => s.split('='))) });
  const consumers: BalancedConsumer[] = [];
  const describe = () => broker.broker.groups.coordinator.describeGroups(['static-group'])[0]!;
  try {
    await broker.broker.topics.create('static-topic', 4);
    const start = (instance: string) => {
      const c = balancedConsumer(broker.bootstrapServers, 'static-group', 'static-topic', ['-X', `group.instance.id=${instance}`, '-X', 'session.timeout.ms=10000']);
      consumers.push(c);
      return c;
    };
    const first = start('i1');
    const other = start('i2');
    await waitFor('two static members assigned', () => describe().groupState === 'Stable' && describe().members.length === 2 && assignments(first.errors()).length > 0 && assignments(other.errors()).length > 0);
    const before = assignments(first.errors()).at(-1);
    const oldMemberId = describe().members.find((m) => m.groupInstanceId === 'i1')!.memberId;
    const generation = describe().generationId;
    const otherRebalances = assignments(other.errors()).length;
    first.child.kill('SIGKILL');
    await first.exited;
    const restarted = start('i1');
    await waitFor('the restarted member assigned', () => assignments(restarted.errors()).length > 0);
    assert.equal(assignments(restarted.errors())[0], before, 'same partitions as before the kill');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(describe().groupState, 'Stable');
    assert.equal(describe().generationId, generation, 'no new generation');
    assert.equal(assignments(other.errors()).length, otherRebalances, 'the other member never rebalanced');
    const members = describe().members;
    assert.equal(members.length, 2);
    assert.notEqual(members.find((m) => m.groupInstanceId === 'i1')!.memberId, oldMemberId, 'a new member id took the old one\'s place');
  } finally {
    for (const c of consumers) c.child.kill('SIGKILL');
    await broker.stop();
    removeDir(broker.dataDir);
  }
});

test('offsets committed before a kill -9 of the broker process are there after it restarts', async () => {
  const dataDir = tempDir();
  const port = await freePort();
  const args = GROUP_SETTINGS.flatMap((s) => ['--set', s]);
  let child = await startChildBroker(dataDir, port, args);
  const kafka = () => new Kafka({ clientId: 'kill9', brokers: [child.bootstrapServers], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50 } });
  // Every client is disconnected in `finally`: a live kafkajs client would keep the test process running.
  const clients: { disconnect(): Promise<void> }[] = [];
  const track = <T extends { disconnect(): Promise<void> }>(c: T): T => (clients.push(c), c);
  try {
    let admin = track(kafka().admin());
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'k9', numPartitions: 3 }] });
    const consumer = track(kafka().consumer({ groupId: 'k9-group', sessionTimeout: 6000, heartbeatInterval: 100, maxWaitTimeInMs: 100 }));
    await consumer.connect();
    await consumer.subscribe({ topic: 'k9', fromBeginning: true });
    const producer = track(kafka().producer());
    await producer.connect();
    await producer.send({ topic: 'k9', messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: String(i) })) });
    let seen = 0;
    await consumer.run({ eachMessage: async () => void seen++ });
    await waitFor('30 consumed', () => seen >= 30);
    const committed = async () => {
      const offsets = await admin.fetchOffsets({ groupId: 'k9-group', topics: ['k9'] });
      return offsets[0]!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
    };
    const deadline = Date.now() + 20_000;
    while ((await committed()) !== 30) {
      assert.ok(Date.now() < deadline, 'timed out waiting for 30 committed');
      await new Promise((r) => setTimeout(r, 25));
    }
    await consumer.disconnect();
    await producer.disconnect();
    // A simple (admin) commit for another group, acknowledged just before the kill.
    await admin.setOffsets({ groupId: 'k9-admin', topic: 'k9', partitions: [{ partition: 0, offset: '7' }, { partition: 2, offset: '9' }] });
    await admin.disconnect();
    child.child.kill('SIGKILL');
    await child.exited;

    child = await startChildBroker(dataDir, port, args);
    admin = track(kafka().admin());
    await admin.connect();
    const group = await admin.fetchOffsets({ groupId: 'k9-group', topics: ['k9'] });
    assert.equal(group[0]!.partitions.reduce((s, p) => s + Number(p.offset), 0), 30);
    const simple = await admin.fetchOffsets({ groupId: 'k9-admin', topics: ['k9'] });
    assert.deepEqual(simple[0]!.partitions.map((p) => [p.partition, p.offset]).sort(), [[0, '7'], [1, '-1'], [2, '9']]);
    const described = await admin.describeGroups(['k9-group']);
    assert.equal(described.groups[0]!.protocolType, 'consumer', 'the group metadata came back too');
    await admin.disconnect();
  } finally {
    child.child.kill('SIGKILL');
    await child.exited;
    await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
    removeDir(dataDir);
  }
});
