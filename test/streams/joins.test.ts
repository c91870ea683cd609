/** DSL joins through the TopologyTestDriver: stream-table, table-table and windowed stream-stream. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JoinWindows, Serdes, StreamsBuilder, TopologyTestDriver } from '../../src/streams/index.js';
import { JoinBufferStore } from '../../src/streams/stores/join-buffer-store.js';

const str = Serdes.string();
const strings = { keySerde: str, valueSerde: str };

test('stream-table join and leftJoin read the table as of each stream record; table updates emit nothing', () => {
  const b = new StreamsBuilder();
  const customers = b.table<string, string>('customers', strings);
  const orders = b.stream<string, string>('orders', strings);
  orders.join(customers, (order, name) => `${order} for ${name}`).to('joined', { valueSerde: str });
  orders.leftJoin(customers, (order, name) => `${order} for ${name ?? '?'}`).to('left-joined', { valueSerde: str });
  const driver = new TopologyTestDriver(b.build());
  const c = driver.createInputTopic('customers', str, str);
  const o = driver.createInputTopic('orders', str, str);
  o.pipeInput('c1', 'o1', 1);
  c.pipeInput('c1', 'Ann', 2);
  o.pipeInput('c1', 'o2', 3);
  c.pipeInput('c1', 'Annie', 4);
  o.pipeInput('c1', 'o3', 5);
  c.pipeInput('c1', null, 6);
  o.pipeInput('c1', 'o4', 7);
  assert.deepEqual(driver.createOutputTopic('joined', str, str).readKeyValuesToList(), [['c1', 'o2 for Ann'], ['c1', 'o3 for Annie']]);
  assert.deepEqual(driver.createOutputTopic('left-joined', str, str).readValuesToList(), ['o1 for ?', 'o2 for Ann', 'o3 for Annie', 'o4 for ?']);
});

test('a stream whose key changed is repartitioned before a stream-table join', () => {
  const b = new StreamsBuilder();
  const customers = b.table<string, string>('customers', strings);
  b.stream<string, string>('orders', strings)
    .selectKey((_orderId, v) => v.split('/')[0]!, { keySerde: str })
    .join(customers, (v, name) => `${v}:${name}`)
    .to('out', { valueSerde: str });
  const topology = b.build();
  assert.equal(topology.internalTopics.size, 1, 'one repartition topic');
  const driver = new TopologyTestDriver(topology);
  driver.createInputTopic('customers', str, str).pipeInput('c9', 'Zed', 1);
  driver.createInputTopic('orders', str, str).pipeInput('order-1', 'c9/book', 2);
  assert.deepEqual(driver.createOutputTopic('out', str, str).readKeyValuesToList(), [['c9', 'c9/book:Zed']]);
});

test('table-table inner, left and outer joins forward changes from either side, deletes included', () => {
  const b = new StreamsBuilder();
  const left = b.table<string, string>('left', strings);
  const right = b.table<string, string>('right', strings);
  left.join(right, (l, r) => `${l}+${r}`).toStream().to('inner', { valueSerde: str });
  left.leftJoin(right, (l, r) => `${l}+${r ?? '-'}`).toStream().to('left-out', { valueSerde: str });
  left.outerJoin(right, (l, r) => `${l ?? '-'}+${r ?? '-'}`).toStream().to('outer', { valueSerde: str });
  // A join of a filtered table reads through the filter.
  left.filter((_k, v) => v !== 'hidden').join(right, (l, r) => `${l}/${r}`).toStream().to('filtered', { valueSerde: str });
  const driver = new TopologyTestDriver(b.build());
  const l = driver.createInputTopic('left', str, str);
  const r = driver.createInputTopic('right', str, str);
  l.pipeInput('k', 'a', 1);
  r.pipeInput('k', 'x', 2);
  l.pipeInput('k', 'b', 3);
  r.pipeInput('k', null, 4);
  l.pipeInput('k', null, 5);
  r.pipeInput('k', 'y', 6);
  r.pipeInput('j', 'z', 7);
  l.pipeInput('j', 'hidden', 8);
  const read = (t: string) => driver.createOutputTopic(t, str, str).readValuesToList();
  assert.deepEqual(read('inner'), ['a+x', 'b+x', null, 'hidden+z']);
  assert.deepEqual(read('left-out'), ['a+-', 'a+x', 'b+x', 'b+-', null, 'hidden+z']);
  assert.deepEqual(read('outer'), ['a+-', 'a+x', 'b+x', 'b+-', null, '-+y', '-+z', 'hidden+z']);
  assert.deepEqual(read('filtered'), ['a/x', 'b/x', null]);
});

test('windowed stream-stream inner join: records within the time difference join, in both directions', () => {
  const b = new StreamsBuilder();
  const clicks = b.stream<string, string>('clicks', strings);
  const views = b.stream<string, string>('views', strings);
  clicks.join(views, (c, v) => `${c}|${v}`, JoinWindows.ofTimeDifferenceWithNoGrace(100)).to('joined', { valueSerde: str });
  const driver = new TopologyTestDriver(b.build());
  const c = driver.createInputTopic('clicks', str, str);
  const v = driver.createInputTopic('views', str, str);
  v.pipeInput('u', 'v0', 1000);
  c.pipeInput('u', 'c1', 1050); // joins v0 (50 ms apart)
  v.pipeInput('u', 'v1', 1100); // joins c1
  c.pipeInput('u', 'c2', 1201); // v1 is 101 ms away: no join
  v.pipeInput('x', 'v2', 1201); // other key
  const out = driver.createOutputTopic('joined', str, str).readRecordsToList();
  assert.deepEqual(out.map((r) => [r.key, r.value, r.timestampMs]), [
    ['u', 'c1|v0', 1050],
    ['u', 'c1|v1', 1100],
  ]);
});

test('windowed left and outer joins emit records without a partner only when their window has closed', () => {
  const b = new StreamsBuilder();
  const l = b.stream<string, string>('l', strings);
  const r = b.stream<string, string>('r', strings);
  const windows = JoinWindows.ofTimeDifferenceAndGrace(10, 5);
  l.leftJoin(r, (a, c) => `${a}|${c ?? '-'}`, windows).to('left-out', { valueSerde: str });
  l.outerJoin(r, (a, c) => `${a ?? '-'}|${c ?? '-'}`, windows, { storeName: 'outer' }).to('outer', { valueSerde: str });
  const driver = new TopologyTestDriver(b.build());
  const li = driver.createInputTopic('l', str, str);
  const ri = driver.createInputTopic('r', str, str);
  li.pipeInput('k', 'a', 100); // no partner yet
  ri.pipeInput('k', 'x', 105); // joins a
  li.pipeInput('k', 'b', 200); // never gets a partner
  ri.pipeInput('k', 'y', 212); // never gets a partner (b's window is [190, 210])
  const outputs = { 'left-out': driver.createOutputTopic('left-out', str, str), outer: driver.createOutputTopic('outer', str, str) };
  const read = (t: keyof typeof outputs) => outputs[t].readValuesToList();
  assert.deepEqual(read('left-out'), ['a|x'], 'b is not emitted alone while a partner may still come');
  assert.deepEqual(read('outer'), ['a|x']);
  li.pipeInput('z', 'late', 50); // beyond the window and grace: dropped
  ri.pipeInput('k', 'w', 1000); // stream time moves far on: b's and y's windows close
  assert.deepEqual(read('left-out'), ['b|-']);
  assert.deepEqual(read('outer'), ['b|-', '-|y']);
  assert.ok((driver.droppedRecords().get('late record (join window closed)') ?? 0) >= 1);
});

test('a stream-stream join without known value serdes asks for them', () => {
  const b = new StreamsBuilder();
  const l = b.stream<string, string>('l', strings).mapValues((v) => v.length);
  const r = b.stream<string, string>('r', strings);
  assert.throws(() => l.join(r, (a, c) => `${a}${c}`, JoinWindows.ofTimeDifferenceWithNoGrace(1)), /StreamJoined.valueSerde/);
  l.join(r, (a, c) => `${a}${c}`, JoinWindows.ofTimeDifferenceWithNoGrace(1), { valueSerde: Serdes.int32() });
});

test('the join buffer store restores from its changelog: records, matched flags and expiries', () => {
  const log: Array<[Buffer, Buffer | null]> = [];
  const context = { applicationId: 'app', taskId: '0_0', logChange: (_s: string, k: Buffer, v: Buffer | null) => void log.push([k, v]) };
  const store = new JoinBufferStore('buf', str, str, 100);
  store.init(context);
  const a = store.add('k', 'a', 10);
  store.add('k', 'b', 10); // same key and time: both kept
  store.add('j', 'c', 50);
  store.markMatched('k', a);
  const expired: string[] = [];
  store.expire(20, (key, r) => expired.push(`${key}:${r.value}:${r.matched}`));
  assert.deepEqual(expired, ['k:a:true', 'k:b:false']);
  const restored = new JoinBufferStore('buf', str, str, 100);
  restored.init(context);
  for (const [k, v] of log) restored.restore(k, v);
  assert.deepEqual(restored.fetch('k', 0, 100), []);
  assert.deepEqual(restored.fetch('j', 0, 100).map((r) => [r.value, r.timestampMs, r.matched]), [['c', 50, false]]);
  const again = new JoinBufferStore('buf', str, str, 100);
  again.init(context);
  for (const [k, v] of log.slice(0, 4)) again.restore(k, v); // before the expiry: a (matched), b, c
  assert.deepEqual(again.fetch('k', 0, 100).map((r) => [r.value, r.matched]), [['a', true], ['b', false]]);
});

test('stream-GlobalKTable join looks the table up by a key computed from each record; the stream keeps its key', () => {
  const b = new StreamsBuilder();
  const products = b.globalTable<string, string>('products', { ...strings, storeName: 'products' });
  const lines = b.stream<string, string>('order-lines', strings);
  lines.join(products, (_orderId, line) => line.split('x')[1]!, (line, product) => `${line}=${product}`).to('priced', { valueSerde: str });
  lines.leftJoin(products, (_orderId, line) => line.split('x')[1]!, (line, product) => `${line}=${product ?? 'unknown'}`).to('priced-left', { valueSerde: str });
  const topology = b.build();
  assert.deepEqual(topology.sourceTopics(), ['order-lines'], 'the global topic is not a task input');
  const driver = new TopologyTestDriver(topology);
  const p = driver.createInputTopic('products', str, str);
  const l = driver.createInputTopic('order-lines', str, str);
  p.pipeInput('p1', 'pen');
  l.pipeInput('o1', '2xp1', 5);
  l.pipeInput('o2', '1xp2', 6);
  p.pipeInput('p2', 'ink');
  l.pipeInput('o3', '3xp2', 7);
  assert.deepEqual(driver.createOutputTopic('priced', str, str).readKeyValuesToList(), [['o1', '2xp1=pen'], ['o3', '3xp2=ink']]);
  assert.deepEqual(driver.createOutputTopic('priced-left', str, str).readValuesToList(), ['2xp1=pen', '1xp2=unknown', '3xp2=ink']);
  assert.equal(driver.getKeyValueStore<string, string>('products').get('p2'), 'ink');
});
