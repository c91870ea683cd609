/** DSL semantics through the TopologyTestDriver, against expected outputs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder, Serdes, TopologyTestDriver, Topology, keyValueStoreBuilder, type KeyValueStore } from '../../src/streams/index.js';

const str = Serdes.string();
const strings = { keySerde: str, valueSerde: str };

test('filter, mapValues, map, selectKey, flatMap, peek are applied in order with timestamps kept', () => {
  const b = new StreamsBuilder();
  const seen: string[] = [];
  b.stream<string, string>('in', strings)
    .filter((_k, v) => v !== 'drop')
    .mapValues((v) => v.toUpperCase())
    .peek((k, v) => seen.push(`${k}=${v}`))
    .flatMap((k, v) => [[k, v], [`${k}!`, `${v}!`]] as Array<[string, string]>)
    .selectKey((k, v) => `${k}/${v.length}`, { keySerde: str })
    .map((k, v) => [k, `${v}@${k}`] as [string, string])
    .to('out', strings);
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('in', str, str);
  const out = driver.createOutputTopic('out', str, str);
  input.pipeInput('a', 'x', 5);
  input.pipeInput('b', 'drop', 6);
  input.pipeInput('c', 'yz', 7);
  assert.deepEqual(out.readRecordsToList().map((r) => [r.key, r.value, r.timestampMs]), [
    ['a/1', 'X@a/1', 5],
    ['a!/2', 'X!@a!/2', 5],
    ['c/2', 'YZ@c/2', 7],
    ['c!/3', 'YZ!@c!/3', 7],
  ]);
  assert.deepEqual(seen, ['a=X', 'c=YZ']);
  assert.ok(out.isEmpty());
});

test('split routes each record to the first matching branch; merge joins streams back', () => {
  const b = new StreamsBuilder();
  const branches = b
    .stream<string, number>('nums', { keySerde: str, valueSerde: Serdes.int32() })
    .split({ name: 'n-' })
    .branch((_k, v) => v < 0, { name: 'neg' })
    .branch((_k, v) => v % 2 === 0, { name: 'even' })
    .defaultBranch({ name: 'odd' });
  assert.deepEqual(Object.keys(branches).sort(), ['n-even', 'n-neg', 'n-odd']);
  branches['n-neg']!.to('neg');
  branches['n-even']!.to('even');
  branches['n-odd']!.mapValues((v) => v * 10).merge(branches['n-neg']!).to('odd-or-neg');
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('nums', str, Serdes.int32());
  for (const [i, v] of [-2, 1, 2, 3, 4, -1].entries()) input.pipeInput(`k${i}`, v, i);
  assert.deepEqual(driver.createOutputTopic('neg', str, Serdes.int32()).readValuesToList(), [-2, -1]);
  assert.deepEqual(driver.createOutputTopic('even', str, Serdes.int32()).readValuesToList(), [2, 4]);
  assert.deepEqual(driver.createOutputTopic('odd-or-neg', str, Serdes.int32()).readValuesToList(), [-2, 10, 30, -1]);
});

test('split with noDefaultBranch drops records no branch takes; numbered branch names', () => {
  const b = new StreamsBuilder();
  const branches = b.stream<string, string>('in', strings).split({ name: 's' }).branch((_k, v) => v === 'a').noDefaultBranch();
  branches['s1']!.to('a');
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('in', str, str);
  input.pipeKeyValueList([['1', 'a'], ['2', 'b'], ['3', 'a']]);
  assert.deepEqual(driver.createOutputTopic('a', str, str).readKeyValuesToList(), [['1', 'a'], ['3', 'a']]);
});

test('word count: groupBy + count into a KTable, emitted on every update, stored in the store', () => {
  const b = new StreamsBuilder();
  b.stream<string, string>('lines', strings)
    .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((w) => w !== ''))
    .groupBy((_k, word) => word, { keySerde: str })
    .count({ storeName: 'counts' })
    .toStream()
    .to('counts-out', { valueSerde: Serdes.int64() });
  const driver = new TopologyTestDriver(b.build(), { applicationId: 'wc' });
  const lines = driver.createInputTopic('lines', str, str);
  const out = driver.createOutputTopic('counts-out', str, Serdes.int64());
  lines.pipeValueList(['Hello world', 'hello Brook']);
  assert.deepEqual(out.readKeyValuesToList(), [['hello', 1], ['world', 1], ['hello', 2], ['brook', 1]]);
  const store = driver.getKeyValueStore<string, number>('counts');
  assert.deepEqual(store.all(), [['brook', 1], ['hello', 2], ['world', 1]]);
  // Every store change goes to its changelog topic, keyed like the store.
  const changelog = driver.createOutputTopic('wc-counts-changelog', str, Serdes.int64());
  assert.deepEqual(changelog.readKeyValuesToList(), [['hello', 1], ['world', 1], ['hello', 2], ['brook', 1]]);
});

test('reduce and aggregate with JSON values; null keys and values are dropped from aggregations', () => {
  interface Stats { count: number; sum: number }
  const b = new StreamsBuilder();
  const stream = b.stream<string, number>('in', { keySerde: str, valueSerde: Serdes.double() });
  stream.groupByKey().reduce((a, v) => Math.max(a, v), { storeName: 'max' }).toStream().to('max');
  stream
    .groupByKey()
    .aggregate<Stats>(() => ({ count: 0, sum: 0 }), (_k, v, agg) => ({ count: agg.count + 1, sum: agg.sum + v }), { storeName: 'stats', valueSerde: Serdes.json<Stats>() })
    .toStream()
    .to('stats');
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('in', str, Serdes.double());
  input.pipeInput('a', 1.5, 1);
  input.pipeInput('a', 0.5, 2);
  input.pipeInput(null, 9, 3);
  input.pipeInput('b', null, 4);
  input.pipeInput('a', 3, 5);
  assert.deepEqual(driver.createOutputTopic('max', str, Serdes.double()).readKeyValuesToList(), [['a', 1.5], ['a', 1.5], ['a', 3]]);
  assert.deepEqual(driver.createOutputTopic('stats', str, Serdes.json<Stats>()).readKeyValuesToMap(), new Map([['a', { count: 3, sum: 5 }]]));
  assert.equal(driver.droppedRecords().get('null key or value in aggregation'), 4);
  assert.deepEqual(driver.getKeyValueStore<string, Stats>('stats').get('a'), { count: 3, sum: 5 });
});

test('KTable filter forwards deletes when a row stops matching; mapValues; builder.table upserts and deletes', () => {
  const b = new StreamsBuilder();
  const counts = b.stream<string, string>('clicks', strings).groupByKey().count({ storeName: 'clicks' });
  counts.filter((_k, n) => n % 2 === 0).mapValues((n) => `even:${n}`, { valueSerde: str }).toStream().to('even');
  b.table<string, string>('users', { ...strings, storeName: 'users' }).mapValues((v) => v.length, { valueSerde: Serdes.int32() }).toStream().to('user-lengths');
  const driver = new TopologyTestDriver(b.build());
  const clicks = driver.createInputTopic('clicks', str, str);
  for (const k of ['x', 'x', 'x', 'y', 'x']) clicks.pipeInput(k, 'c', 0);
  // x: 1 (hidden), 2 (shown), 3 (delete), 4 (shown); y: 1 (hidden, nothing sent)
  assert.deepEqual(driver.createOutputTopic('even', str, str).readKeyValuesToList(), [['x', 'even:2'], ['x', null], ['x', 'even:4']]);
  const users = driver.createInputTopic('users', str, str);
  users.pipeInput('u1', 'alice', 1);
  users.pipeInput('u2', 'bob', 2);
  users.pipeInput('u1', null, 3);
  assert.deepEqual(driver.createOutputTopic('user-lengths', str, Serdes.int32()).readKeyValuesToList(), [['u1', 5], ['u2', 3], ['u1', null]]);
  assert.deepEqual(driver.getKeyValueStore<string, string>('users').all(), [['u2', 'bob']]);
});

test('the Processor API: a hand-built topology with a store', () => {
  const topology = new Topology()
    .addSource('src', 'in', str, str)
    .addProcessor<string, string, string, number>('dedupe', () => {
      let store!: KeyValueStore<string, number>;
      let forward!: (r: { key: string; value: number; timestampMs: number; headers: [] }) => void;
      return {
        init(ctx) {
          store = ctx.getStateStore('seen');
          forward = (r) => ctx.forward(r);
        },
        process(r) {
          const n = (store.get(r.value) ?? 0) + 1;
          store.put(r.value, n);
          if (n === 1) forward({ key: r.value, value: n, timestampMs: r.timestampMs, headers: [] });
        },
      };
    }, 'src')
    .addSink('sink', 'out', str, Serdes.int32(), 'dedupe');
  topology.addStateStore(keyValueStoreBuilder('seen', str, Serdes.int32(), { logging: false }), 'dedupe');
  assert.match(topology.describe(), /Processor: dedupe \(stores: \[seen\]\)/);
  const driver = new TopologyTestDriver(topology);
  driver.createInputTopic('in', str, str).pipeKeyValueList([['1', 'a'], ['2', 'b'], ['3', 'a']]);
  assert.deepEqual(driver.createOutputTopic('out', str, Serdes.int32()).readKeyValuesToList(), [['a', 1], ['b', 1]]);
  assert.equal(driver.getKeyValueStore<string, number>('seen').get('a'), 2);
});

test('a missing serde is reported when the topology is built, not at run time', () => {
  const b = new StreamsBuilder();
  const mapped = b.stream<string, string>('in', strings).map((k, v) => [v, k] as [string, string]);
  assert.throws(() => mapped.to('out'), /no serde known/);
  assert.throws(() => mapped.groupByKey().count(), /no serde known/);
});

test('test driver: auto-advancing input time, stream time, empty reads and unknown topics', () => {
  const b = new StreamsBuilder();
  b.stream<string, string>('in', strings).to('out');
  const driver = new TopologyTestDriver(b.build(), { initialWallClockTimeMs: 1000 });
  const input = driver.createInputTopic('in', str, str, { autoAdvanceMs: 10 });
  const out = driver.createOutputTopic('out', str, str);
  input.pipeValueList(['a', 'b']);
  input.advanceTime(100);
  input.pipeInput('k', 'c');
  input.pipeInput('k', 'd', 5);
  assert.deepEqual(out.readRecordsToList().map((r) => r.timestampMs), [1000, 1010, 1120, 5]);
  assert.equal(driver.streamTimeMs(), 1120);
  assert.equal(out.getQueueSize(), 0);
  assert.throws(() => out.readRecord(), /no more records/);
  assert.throws(() => driver.createInputTopic('nope', str, str), /not an input/);
  assert.throws(() => driver.getKeyValueStore('nope'), /no store/);
});

test('the DSL repartitions after a key change: the test driver pipes the repartition topic back in', () => {
  const b = new StreamsBuilder();
  b.stream<string, string>('orders', { keySerde: str, valueSerde: str })
    .selectKey((_k, v) => v.split(':')[0]!, { keySerde: str })
    .groupByKey({ name: 'by-customer' })
    .count({ storeName: 'per-customer' })
    .toStream()
    .to('counts', { valueSerde: Serdes.int64() });
  const topology = b.build();
  assert.deepEqual([...topology.internalTopics], ['by-customer-repartition']);
  assert.deepEqual(topology.inputTopics('shop'), ['orders', 'shop-by-customer-repartition']);
  const driver = new TopologyTestDriver(topology, { applicationId: 'shop' });
  const input = driver.createInputTopic('orders', str, str);
  input.pipeKeyValueList([['o1', 'ann:5'], ['o2', 'bob:7'], ['o3', 'ann:1']]);
  assert.deepEqual(driver.createOutputTopic('counts', str, Serdes.int64()).readKeyValuesToList(), [['ann', 1], ['bob', 1], ['ann', 2]]);
  assert.throws(() => driver.createInputTopic('shop-by-customer-repartition', str, str), /not an input/);
});

test('toTable: each record upserts its key, a null value deletes it; a re-keyed stream is repartitioned first', () => {
  const b = new StreamsBuilder();
  const table = b.stream<string, string>('rows', strings).toTable({ storeName: 'rows-table' });
  table.toStream().to('changes', { valueSerde: str });
  b.stream<string, string>('rekey', strings).selectKey((_k, v) => v, { keySerde: str }).toTable({ storeName: 'by-value', valueSerde: str });
  const topology = b.build();
  assert.equal(topology.internalTopics.size, 1);
  const driver = new TopologyTestDriver(topology);
  const rows = driver.createInputTopic('rows', str, str);
  rows.pipeInput('a', '1');
  rows.pipeInput('b', '2');
  rows.pipeInput('a', '3');
  rows.pipeInput('b', null);
  assert.deepEqual(driver.createOutputTopic('changes', str, str).readKeyValuesToList(), [['a', '1'], ['b', '2'], ['a', '3'], ['b', null]]);
  assert.deepEqual(driver.getKeyValueStore<string, string>('rows-table').all(), [['a', '3']]);
  driver.createInputTopic('rekey', str, str).pipeInput('x', 'y');
  assert.equal(driver.getKeyValueStore<string, string>('by-value').get('y'), 'y');
});

test('a timestamp extractor sets event time from the value; a negative result drops the record', () => {
  const b = new StreamsBuilder();
  b.stream<string, { at: number }>('events', { keySerde: str, valueSerde: Serdes.json<{ at: number }>(), timestampExtractor: (r) => (r.value as { at: number }).at })
    .mapValues((v) => String(v.at))
    .to('out', { valueSerde: str });
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('events', str, Serdes.json<{ at: number }>());
  input.pipeInput('k', { at: 5000 }, 1);
  input.pipeInput('k', { at: -1 }, 2);
  assert.deepEqual(driver.createOutputTopic('out', str, str).readRecordsToList().map((r) => [r.value, r.timestampMs]), [['5000', 5000]]);
  assert.equal(driver.streamTimeMs(), 5000);
  assert.equal(driver.droppedRecords().get('negative timestamp'), 1);
});

test('an aggregation materialized persistent keeps its state in an LMDB store', () => {
  const b = new StreamsBuilder();
  b.stream<string, string>('clicks', strings).groupByKey().count({ storeName: 'on-disk', persistent: true }).toStream().to('counts', { valueSerde: Serdes.int64() });
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('clicks', str, str);
  for (const k of ['a', 'b', 'a', 'a']) input.pipeInput(k, 'x');
  const store = driver.getKeyValueStore<string, number>('on-disk');
  assert.equal(store.constructor.name, 'PersistentKeyValueStore');
  assert.deepEqual(store.all(), [['a', 3], ['b', 1]]);
  assert.deepEqual(driver.createOutputTopic('counts', str, Serdes.int64()).readValuesToList(), [1, 1, 2, 3]);
  driver.close();
});
