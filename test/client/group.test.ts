/** Consumer groups against Brook's group coordinator: subscribe, rebalance, commit, resume from commits. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, Producer, Consumer, Admin, type RunningBroker, type ConsumerRecord } from '../../src/index.js';

let broker: RunningBroker;
let admin: Admin;
let producer: Producer;

before(async () => {
  broker = await startBroker({ port: 0, storage: 'memory', config: { 'group.initial.rebalance.delay.ms': '0' } });
  admin = new Admin({ bootstrapServers: broker.bootstrapServers });
  producer = new Producer({ bootstrapServers: broker.bootstrapServers, lingerMs: 0 });
});

after(async () => {
  await producer.close();
  await admin.close();
  await broker.stop();
});

const fastGroup = { sessionTimeoutMs: 6000, rebalanceTimeoutMs: 3000, heartbeatIntervalMs: 50, maxWaitMs: 50 };

async function collect(consumer: Consumer, n: number, timeoutMs = 5000): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n && Date.now() < deadline) out.push(...(await consumer.poll({ timeoutMs: 100 })));
  return out;
}

async function produce(topic: string, count: number, from = 0): Promise<void> {
  await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` })) });
}

test('subscribe fromBeginning reads everything; commits let the next member resume', async () => {
  await admin.createTopics({ topics: [{ topic: 'g-basic', numPartitions: 3 }] });
  await produce('g-basic', 30);
  const c1 = new Consumer({ bootstrapServers: broker.bootstrapServers, groupId: 'g1', autoCommit: false, ...fastGroup });
  await c1.subscribe({ topics: ['g-basic'], fromBeginning: true });
  assert.equal(c1.assignment().length, 3);
  const first = await collect(c1, 30);
  assert.equal(first.length, 30);
  await c1.commit();
  await c1.close();

  const lag = await admin.describeGroupLag('g1');
  assert.equal(lag.length, 3);
  assert.equal(lag.reduce((s, r) => s + r.lag, 0), 0);
  assert.equal(lag.reduce((s, r) => s + r.currentOffset, 0), 30);

  await produce('g-basic', 6, 30);
  const c2 = new Consumer({ bootstrapServers: broker.bootstrapServers, groupId: 'g1', ...fastGroup });
  await c2.subscribe({ topics: ['g-basic'], fromBeginning: true });
  const rest = await collect(c2, 6);
  assert.deepEqual(rest.map((r) => r.value!.toString()).sort(), ['v30', 'v31', 'v32', 'v33', 'v34', 'v35']);
  await c2.close();
});

for (const assignor of ['range', 'roundrobin', 'cooperative-sticky'] as const) {
  test(`two members split the partitions (${assignor}) and each record is read once`, async () => {
    const topic = `g-split-${assignor}`;
    const groupId = `g-split-${assignor}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    const a = new Consumer({ bootstrapServers: broker.bootstrapServers, groupId, assignors: [assignor], ...fastGroup });
    const b = new Consumer({ bootstrapServers: broker.bootstrapServers, groupId, assignors: [assignor], ...fastGroup });
    await a.subscribe({ topics: [topic], fromBeginning: true });
    assert.equal(a.assignment().length, 4);
    await b.subscribe({ topics: [topic], fromBeginning: true });
    // Keep both polling until the group settles at 2 + 2.
    const deadline = Date.now() + 5000;
    const seenByA = new Set<number>();
    while (Date.now() < deadline && (a.assignment().length !== 2 || b.assignment().length !== 2)) {
      await Promise.all([a.poll({ timeoutMs: 20 }), b.poll({ timeoutMs: 20 })]);
      seenByA.add(a.assignment().length);
    }
    // Cooperative: a gives up only what moves, never everything at once.
    if (assignor === 'cooperative-sticky') assert.ok(!seenByA.has(0), `a's assignment sizes: ${[...seenByA]}`);
    assert.equal(a.assignment().length, 2, `a has ${JSON.stringify(a.assignment())}`);
    assert.equal(b.assignment().length, 2);
    await produce(topic, 40);
    const got: ConsumerRecord[] = [];
    const end = Date.now() + 5000;
    while (got.length < 40 && Date.now() < end) {
      const [ra, rb] = await Promise.all([a.poll({ timeoutMs: 50 }), b.poll({ timeoutMs: 50 })]);
      got.push(...ra, ...rb);
    }
    assert.equal(got.length, 40);
    assert.equal(new Set(got.map((r) => r.value!.toString())).size, 40);
    const description = (await admin.describeGroups([groupId]))[0]!;
    assert.equal(description.members.length, 2);
    assert.equal(description.protocol, assignor);
    await a.close();
    await b.close();
  });
}

test('admin lists and deletes groups, and resets offsets', async () => {
  await admin.createTopics({ topics: [{ topic: 'g-admin', numPartitions: 1 }] });
  await produce('g-admin', 5);
  const c = new Consumer({ bootstrapServers: broker.bootstrapServers, groupId: 'g-admin', ...fastGroup });
  await c.subscribe({ topics: ['g-admin'], fromBeginning: true });
  assert.equal((await collect(c, 5)).length, 5);
  await c.close();
  assert.ok((await admin.listGroups()).some((g) => g.groupId === 'g-admin'));
  await admin.setGroupOffsets('g-admin', [{ topic: 'g-admin', partition: 0, offset: 2 }]);
  const lag = await admin.describeGroupLag('g-admin');
  assert.deepEqual(lag.map((r) => [r.currentOffset, r.logEndOffset, r.lag]), [[2, 5, 3]]);
  await admin.deleteGroups(['g-admin']);
  assert.ok(!(await admin.listGroups()).some((g) => g.groupId === 'g-admin'));
});

test('the API shape from the issue: subscribe fromBeginning, then for await', async () => {
  await admin.createTopics({ topics: [{ topic: 'g-shape', numPartitions: 2 }] });
  await producer.send({ topic: 'g-shape', messages: [{ key: 'a', value: 'one' }, { key: Buffer.from('b'), value: Buffer.from('two') }] });
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers, groupId: 'g-shape' });
  await consumer.subscribe({ topics: ['g-shape'], fromBeginning: true });
  const values: string[] = [];
  for await (const record of consumer) {
    values.push(record.value!.toString());
    if (values.length === 2) break;
  }
  assert.deepEqual(values.sort(), ['one', 'two']);
  await consumer.close();
  // close() committed what was read.
  const lag = await admin.describeGroupLag('g-shape');
  assert.deepEqual(lag.map((r) => r.lag), [0, 0]);
});
