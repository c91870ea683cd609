/**
 * KTable.groupBy and the foreign-key join on a real (in-process) broker with 3 partitions: the
 * subtraction and the addition of a moved row, and a subscription and its response, cross tasks.
 */
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Consumer, Producer } from '../../src/client/index.js';
import { KafkaStreams, Serdes, StreamsBuilder } from '../../src/streams/index.js';
import { startTestBroker, removeDir, type TestBroker } from '../helpers/broker.js';

let broker: TestBroker;
let admin: Admin;
let producer: Producer;
const apps: KafkaStreams[] = [];
const str = Serdes.string();
const fast = { commitIntervalMs: 50, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 3000, heartbeatIntervalMs: 50, pollMs: 50 };

before(async () => {
  broker = await startTestBroker({ storage: 'memory', config: { 'group.initial.rebalance.delay.ms': '0' } });
  admin = new Admin({ bootstrapServers: broker.bootstrapServers });
  producer = new Producer({ bootstrapServers: broker.bootstrapServers, lingerMs: 0 });
});

afterEach(async () => {
  for (const a of apps.splice(0)) await a.close().catch(() => {});
});

after(async () => {
  await producer.close();
  await admin.close();
  await broker.stop();
  removeDir(broker.dataDir);
});

/** Reads a one-partition topic until every expected key has its expected latest value (null: deleted). */
async function latest<V>(topic: string, decode: (b: Buffer | null) => V | null, expected: Map<string, V | null>, timeoutMs = 15_000): Promise<Map<string, V | null>> {
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers, autoOffsetReset: 'earliest', maxWaitMs: 50 });
  const seen = new Map<string, V | null>();
  try {
    await consumer.assign([{ topic, partition: 0 }]);
    const deadline = Date.now() + timeoutMs;
    const done = () => [...expected].every(([k, v]) => seen.has(k) && JSON.stringify(seen.get(k)) === JSON.stringify(v));
    while (!done() && Date.now() < deadline) {
      for (const r of await consumer.poll({ timeoutMs: 100 })) seen.set(r.key!.toString(), decode(r.value));
    }
  } finally {
    await consumer.close();
  }
  return seen;
}

async function send(topic: string, rows: Array<[string, string | null]>): Promise<void> {
  await producer.send({ topic, messages: rows.map(([key, value]) => ({ key, value })) });
}

test('table groupBy over 3 partitions: moved and deleted rows leave their old groups', async () => {
  await admin.createTopics({ topics: [{ topic: 'tg-users', numPartitions: 3 }, { topic: 'tg-counts', numPartitions: 1 }] });
  const b = new StreamsBuilder();
  b.table<string, string>('tg-users', { keySerde: str, valueSerde: str })
    .groupBy((user, region) => [region, user], { keySerde: str, valueSerde: str })
    .count({ storeName: 'per-region' })
    .toStream()
    .to('tg-counts', { keySerde: str, valueSerde: Serdes.int64() });
  const streams = new KafkaStreams(b.build(), { applicationId: 'tg-app', bootstrapServers: broker.bootstrapServers, ...fast });
  apps.push(streams);
  await streams.start();
  const users = Array.from({ length: 30 }, (_, i) => `u${i}`);
  await send('tg-users', users.map((u, i) => [u, `r${i % 3}`]));
  await send('tg-users', users.slice(0, 10).map((u) => [u, 'x']));
  await send('tg-users', users.slice(10, 15).map((u) => [u, null]));
  const expected = new Map<string, number | null>([['r0', 5], ['r1', 5], ['r2', 5], ['x', 10]]);
  const counts = await latest('tg-counts', (b) => Serdes.int64().deserialize('', b), expected);
  assert.deepEqual(new Map([...counts].sort()), expected);
  assert.equal(streams.keyValueStore<string, number>('per-region').get('x'), 10);
});

test('foreign-key join over 3 partitions: each order gets its product, through updates and a foreign-key change', async () => {
  await admin.createTopics({ topics: [{ topic: 'fk-products', numPartitions: 3 }, { topic: 'fk-orders', numPartitions: 3 }, { topic: 'fk-out', numPartitions: 1 }] });
  const b = new StreamsBuilder();
  const products = b.table<string, string>('fk-products', { keySerde: str, valueSerde: str });
  b.table<string, string>('fk-orders', { keySerde: str, valueSerde: str })
    .join(products, (order) => order.split(':')[0]!, (order, product) => `${order}/${product}`, { valueSerde: str })
    .toStream()
    .to('fk-out', { keySerde: str, valueSerde: str });
  const streams = new KafkaStreams(b.build(), { applicationId: 'fk-app', bootstrapServers: broker.bootstrapServers, ...fast });
  apps.push(streams);
  await streams.start();
  const orders = Array.from({ length: 20 }, (_, i): [string, string] => [`o${i}`, `p${i % 5}:${i}`]);
  await send('fk-orders', orders);
  await send('fk-products', [0, 1, 2, 3, 4].map((i) => [`p${i}`, `name${i}`]));
  // Every order joined, whichever of its subscription and its product a task saw first.
  const joined = new Map(orders.map(([id, order]) => [id, `${order}/name${order.slice(1, 2)}`]));
  const first = await latest('fk-out', (b) => (b === null ? null : b.toString()), joined);
  for (const [id, value] of joined) assert.equal(first.get(id), value, id);
  await send('fk-products', [['p0', 'renamed0'], ['p4', null]]);
  await send('fk-orders', [['o1', 'p0:1']]); // moves from p1 to p0
  const expected = new Map<string, string | null>();
  for (const [id, order] of orders) {
    const product = order.split(':')[0];
    expected.set(id, product === 'p0' ? `${order}/renamed0` : product === 'p4' ? null : `${order}/name${product!.slice(1)}`);
  }
  expected.set('o1', 'p0:1/renamed0');
  const seen = await latest('fk-out', (b) => (b === null ? null : b.toString()), expected);
  for (const [id, value] of expected) assert.equal(seen.get(id) ?? null, value, id);
});
