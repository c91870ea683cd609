/** The runtime against a real (in-process) Brook broker: word count end to end, restart from the changelog. */
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Consumer, Producer } from '../../src/client/index.js';
import { KafkaStreams, Serdes, StreamsBuilder, type KeyValueStore } from '../../src/streams/index.js';
import { startTestBroker, removeDir, type TestBroker } from '../helpers/broker.js';

let broker: TestBroker;
let admin: Admin;
let producer: Producer;
/** Apps a test started; closed after each test even when an assertion failed, so nothing keeps running. */
const apps: KafkaStreams[] = [];

function app(...args: ConstructorParameters<typeof KafkaStreams>): KafkaStreams {
  const streams = new KafkaStreams(...args);
  apps.push(streams);
  return streams;
}

afterEach(async () => {
  for (const a of apps.splice(0)) await a.close().catch(() => {});
});

before(async () => {
  broker = await startTestBroker({ storage: 'memory', config: { 'group.initial.rebalance.delay.ms': '0' } });
  admin = new Admin({ bootstrapServers: broker.bootstrapServers });
  producer = new Producer({ bootstrapServers: broker.bootstrapServers, lingerMs: 0 });
});

after(async () => {
  await producer.close();
  await admin.close();
  await broker.stop();
  removeDir(broker.dataDir);
});

const fast = { commitIntervalMs: 50, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 3000, heartbeatIntervalMs: 50, pollMs: 50 };

function wordCount(input: string, output: string) {
  const b = new StreamsBuilder();
  b.stream<string, string>(input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((w) => w !== ''))
    .groupBy((_k, word) => word, { keySerde: Serdes.string() })
    .count({ storeName: 'counts' })
    .toStream()
    .to(output, { valueSerde: Serdes.int64() });
  return b.build();
}

/** Reads the output topic until every expected word has its expected (latest) count. */
async function latestCounts(topic: string, expected: Record<string, number>, timeoutMs = 10_000): Promise<Map<string, number>> {
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers, autoOffsetReset: 'earliest', maxWaitMs: 50 });
  const latest = new Map<string, number>();
  try {
    await consumer.assign([{ topic, partition: 0 }]);
    const deadline = Date.now() + timeoutMs;
    const done = () => Object.entries(expected).every(([w, n]) => latest.get(w) === n);
    while (!done() && Date.now() < deadline) {
      for (const r of await consumer.poll({ timeoutMs: 100 })) latest.set(r.key!.toString(), Serdes.int64().deserialize(topic, r.value)!);
    }
  } finally {
    await consumer.close();
  }
  return latest;
}

async function sendLines(topic: string, lines: string[]): Promise<void> {
  await producer.send({ topic, messages: lines.map((value, i) => ({ key: `line-${i}`, value })) });
}

test('word count end to end; a restarted app restores counts from the compacted changelog and continues', async () => {
  await admin.createTopics({ topics: [{ topic: 'wc-in', numPartitions: 1 }, { topic: 'wc-out', numPartitions: 1 }] });
  await sendLines('wc-in', ['the quick brown fox', 'the lazy dog', 'The end']);

  const first = app(wordCount('wc-in', 'wc-out'), { applicationId: 'wc-app', bootstrapServers: broker.bootstrapServers, ...fast });
  await first.start();
  assert.equal(first.state(), 'RUNNING');
  const counts1 = await latestCounts('wc-out', { the: 3, quick: 1, dog: 1, end: 1 });
  assert.equal(counts1.get('the'), 3);
  assert.equal(counts1.get('fox'), 1);
  assert.equal(first.localStore<KeyValueStore<string, number>>('counts', 0)?.get('the'), 3);
  await first.close();
  assert.equal(first.state(), 'NOT_RUNNING');

  // The changelog was created compacted, with the input's partition count, and holds the counts.
  const [config] = await admin.describeConfigs({ resources: [{ type: 'topic', name: 'wc-app-counts-changelog', configNames: ['cleanup.policy'] }] });
  assert.equal(config!.configs.find((c) => c.name === 'cleanup.policy')?.value, 'compact');
  const [changelog] = await admin.describeTopics({ topics: ['wc-app-counts-changelog'] });
  assert.equal(changelog!.partitions.length, 1);
  // Offsets were committed after the outputs were acked: all 3 input lines.
  const committed = await admin.fetchGroupOffsets('wc-app', ['wc-in']);
  assert.deepEqual(committed.map((c) => [c.partition, c.offset]), [[0, 3]]);

  await sendLines('wc-in', ['the fox returns']);
  const second = app(wordCount('wc-in', 'wc-out'), { applicationId: 'wc-app', bootstrapServers: broker.bootstrapServers, ...fast });
  await second.start();
  const counts2 = await latestCounts('wc-out', { the: 4, fox: 2, returns: 1 });
  assert.equal(counts2.get('the'), 4, 'count continues from the restored state, not from zero');
  assert.equal(counts2.get('fox'), 2);
  assert.equal(counts2.get('returns'), 1);
  const store = second.localStore<KeyValueStore<string, number>>('counts', 0)!;
  assert.equal(store.get('quick'), 1, 'words not seen since the restart were restored too');
  assert.equal(store.get('dog'), 1);
  await second.close();
});

test('a key-changing aggregation over 3 input partitions goes through a repartition topic: each word counted in one task', async () => {
  await admin.createTopics({ topics: [{ topic: 'wc-multi', numPartitions: 3 }, { topic: 'wc-multi-out', numPartitions: 1 }] });
  const lines = ['the quick brown fox', 'the lazy dog', 'The end', 'a fox and a dog', 'the dog'];
  await sendLines('wc-multi', lines);
  const streams = app(wordCount('wc-multi', 'wc-multi-out'), { applicationId: 'wc-multi-app', bootstrapServers: broker.bootstrapServers, ...fast });
  await streams.start();
  const expected = { the: 4, dog: 3, fox: 2, a: 2, quick: 1, end: 1 };
  const counts = await latestCounts('wc-multi-out', expected);
  for (const [word, n] of Object.entries(expected)) assert.equal(counts.get(word), n, word);

  const repartition = (await admin.listTopics()).filter((t) => t.startsWith('wc-multi-app-') && t.endsWith('-repartition'));
  assert.equal(repartition.length, 1, `one repartition topic: ${repartition}`);
  const [info] = await admin.describeTopics({ topics: repartition });
  assert.equal(info!.partitions.length, 3, 'as many partitions as the input');
  // Keys were routed by the partitioner: every word lives in exactly one task's store.
  const owners = new Map<string, number>();
  for (const p of streams.activeTasks()) {
    for (const [word] of streams.localStore<KeyValueStore<string, number>>('counts', p)!.all()) {
      assert.ok(!owners.has(word), `${word} counted in tasks ${owners.get(word)} and ${p}`);
      owners.set(word, p);
    }
  }
  assert.equal(owners.size, new Set(lines.join(' ').toLowerCase().split(/\W+/)).size);

  // Interactive queries see every local task's share of the store.
  const counts2 = streams.keyValueStore<string, number>('counts');
  assert.equal(counts2.get('the'), 4);
  assert.equal(counts2.get('dog'), 3);
  assert.equal(counts2.get('nothing'), null);
  assert.equal(counts2.approximateNumEntries(), owners.size);
  assert.deepEqual(counts2.range('a', 'b').map(([w]) => w).sort(), ['a', 'and'], 'brown sorts after b');
  assert.throws(() => streams.keyValueStore('no-such-store'), /no store named/);
  await streams.close();
  assert.throws(() => counts2.get('the'), /not RUNNING/);
});

test('groupByKey over 3 partitions: one task per partition, each with its own changelog partition', async () => {
  await admin.createTopics({ topics: [{ topic: 'clicks', numPartitions: 3 }, { topic: 'click-counts', numPartitions: 3 }] });
  const b = new StreamsBuilder();
  b.stream<string, string>('clicks', { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .groupByKey()
    .count({ storeName: 'per-user' })
    .toStream()
    .to('click-counts', { valueSerde: Serdes.int64() });
  const users = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
  await producer.send({ topic: 'clicks', messages: users.flatMap((u, i) => Array.from({ length: i + 1 }, () => ({ key: u, value: 'c' }))) });
  const streams = app(b.build(), { applicationId: 'clicks-app', bootstrapServers: broker.bootstrapServers, ...fast });
  await streams.start();
  const deadline = Date.now() + 10_000;
  const total = () => streams.activeTasks().reduce((s, p) => s + (streams.localStore<KeyValueStore<string, number>>('per-user', p)?.all().reduce((a, [, n]) => a + n, 0) ?? 0), 0);
  while (total() < 21 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(total(), 21);
  assert.ok(streams.activeTasks().length >= 2, `tasks: ${streams.activeTasks()}`);
  for (const p of streams.activeTasks()) {
    for (const [user, n] of streams.localStore<KeyValueStore<string, number>>('per-user', p)!.all()) assert.equal(n, users.indexOf(user) + 1);
  }
  await streams.close();
  const ends = await admin.fetchTopicOffsets('clicks-app-per-user-changelog');
  assert.equal(ends.length, 3);
  assert.equal(ends.reduce((s, e) => s + e.high, 0), 21, 'one changelog record per update, in the task partition');
});

test('a processor that throws moves the app to ERROR, reports it, and commits nothing past the failure', async () => {
  await admin.createTopics({ topics: [{ topic: 'boom-in', numPartitions: 1 }] });
  await producer.send({ topic: 'boom-in', messages: [{ key: 'a', value: 'ok' }, { key: 'b', value: 'boom' }] });
  const b = new StreamsBuilder();
  b.stream<string, string>('boom-in', { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .peek((_k, v) => {
      if (v === 'boom') throw new Error('bad record');
    })
    .to('boom-out');
  const errors: Error[] = [];
  const streams = app(b.build(), { applicationId: 'boom-app', bootstrapServers: broker.bootstrapServers, ...fast, commitIntervalMs: 60_000, onError: (e) => errors.push(e) });
  await streams.start();
  const deadline = Date.now() + 10_000;
  while (streams.state() !== 'ERROR' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(streams.state(), 'ERROR');
  assert.match(errors[0]?.message ?? '', /bad record/);
  await streams.close();
  const committed = await admin.fetchGroupOffsets('boom-app', ['boom-in']);
  assert.ok(committed.every((c) => c.offset <= 0), `nothing committed: ${JSON.stringify(committed)}`);
});

test('two instances share the tasks; when one leaves, its tasks and their state move to the other', async () => {
  await admin.createTopics({ topics: [{ topic: 'shared-in', numPartitions: 4 }, { topic: 'shared-out', numPartitions: 1 }] });
  const topology = () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('shared-in', { keySerde: Serdes.string(), valueSerde: Serdes.string() }).groupByKey().count({ storeName: 'c' }).toStream().to('shared-out', { valueSerde: Serdes.int64() });
    return b.build();
  };
  const keys = Array.from({ length: 12 }, (_, i) => `key${i}`);
  const sendAll = () => producer.send({ topic: 'shared-in', messages: keys.map((key) => ({ key, value: 'x' })) });
  const options = { applicationId: 'shared-app', bootstrapServers: broker.bootstrapServers, ...fast };
  const countIn = (s: KafkaStreams) => s.activeTasks().reduce((sum, p) => sum + (s.localStore<KeyValueStore<string, number>>('c', p)?.all().reduce((a, [, n]) => a + n, 0) ?? 0), 0);
  const waitFor = async (cond: () => boolean, what: string) => {
    const deadline = Date.now() + 15_000;
    while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(cond(), `${what}; a: tasks ${a.activeTasks()} count ${countIn(a)}, b: tasks ${b?.activeTasks()} count ${b ? countIn(b) : '-'}`);
  };

  let b: KafkaStreams | undefined;
  const a = app(topology(), options);
  await a.start();
  await sendAll();
  await waitFor(() => countIn(a) === 12, 'first instance counted the first round');
  await new Promise((r) => setTimeout(r, 150)); // a commit interval passes: offsets and changelog are in

  b = app(topology(), options);
  await b.start();
  await sendAll();
  await waitFor(() => a.activeTasks().length + b.activeTasks().length >= 4 && countIn(a) + countIn(b) === 24 && b.activeTasks().length > 0, 'both instances hold tasks and all of round two is counted');
  await new Promise((r) => setTimeout(r, 150));

  await a.close();
  await sendAll();
  await waitFor(() => countIn(b!) === 36 && b!.activeTasks().length === 4, 'the remaining instance took every task with its state');
  for (const p of b.activeTasks()) for (const [, n] of b.localStore<KeyValueStore<string, number>>('c', p)!.all()) assert.equal(n, 3);
});

test('a GlobalKTable is read from all its partitions before processing and kept current; tasks of every partition join it', async () => {
  await admin.createTopics({ topics: [{ topic: 'g-products', numPartitions: 2 }, { topic: 'g-lines', numPartitions: 3 }, { topic: 'g-priced', numPartitions: 1 }] });
  await producer.send({ topic: 'g-products', messages: [{ key: 'p1', value: 'pen' }, { key: 'p2', value: 'ink' }, { key: 'p3', value: 'pad' }] });
  const b = new StreamsBuilder();
  const products = b.globalTable<string, string>('g-products', { keySerde: Serdes.string(), valueSerde: Serdes.string(), storeName: 'products' });
  b.stream<string, string>('g-lines', { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .join(products, (_k, productId) => productId, (productId, name) => `${productId}:${name}`)
    .to('g-priced', { valueSerde: Serdes.string() });
  const streams = app(b.build(), { applicationId: 'global-app', bootstrapServers: broker.bootstrapServers, ...fast });
  await streams.start();
  assert.equal(streams.localStore<KeyValueStore<string, string>>('products', 0)?.approximateNumEntries(), 3, 'bootstrapped before processing');
  await producer.send({ topic: 'g-lines', messages: ['p1', 'p2', 'p3', 'p1'].map((p, i) => ({ key: `line-${i}`, value: p })) });
  await producer.send({ topic: 'g-products', messages: [{ key: 'p4', value: 'ruler' }] });
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers, autoOffsetReset: 'earliest', maxWaitMs: 50 });
  try {
    await consumer.assign([{ topic: 'g-priced', partition: 0 }]);
    const seen: string[] = [];
    const deadline = Date.now() + 10_000;
    while (seen.length < 4 && Date.now() < deadline) for (const r of await consumer.poll({ timeoutMs: 100 })) seen.push(r.value!.toString());
    assert.deepEqual(seen.sort(), ['p1:pen', 'p1:pen', 'p2:ink', 'p3:pad']);
    while (!streams.localStore<KeyValueStore<string, string>>('products', 0)?.get('p4') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await producer.send({ topic: 'g-lines', messages: [{ key: 'line-9', value: 'p4' }] });
    while (seen.length < 5 && Date.now() < deadline) for (const r of await consumer.poll({ timeoutMs: 100 })) seen.push(r.value!.toString());
    assert.equal(seen[4], 'p4:ruler', 'a product added while running is joinable');
  } finally {
    await consumer.close();
  }
});


test('start() refuses to join topics that are not co-partitioned, naming their partition counts', async () => {
  await admin.createTopics({ topics: [{ topic: 'cp-orders', numPartitions: 3 }, { topic: 'cp-customers', numPartitions: 2 }] });
  const b = new StreamsBuilder();
  const customers = b.table<string, string>('cp-customers', { keySerde: Serdes.string(), valueSerde: Serdes.string() });
  b.stream<string, string>('cp-orders', { keySerde: Serdes.string(), valueSerde: Serdes.string() }).join(customers, (o, c) => `${o}${c}`).to('cp-out', { valueSerde: Serdes.string() });
  const streams = app(b.build(), { applicationId: 'cp-app', bootstrapServers: broker.bootstrapServers, ...fast });
  await assert.rejects(streams.start(), /co-partitioned.*cp-customers=2.*cp-orders=3/);
});
