/** Tumbling and hopping windowed aggregation: boundaries, grace, late records, retention. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder, Serdes, TimeWindows, TopologyTestDriver, windowedSerde } from '../../src/streams/index.js';

const str = Serdes.string();

test('windowsFor: tumbling and hopping windows are epoch-aligned [start, end)', () => {
  assert.deepEqual(TimeWindows.ofSizeWithNoGrace(10).windowsFor(9), [{ startMs: 0, endMs: 10 }]);
  assert.deepEqual(TimeWindows.ofSizeWithNoGrace(10).windowsFor(10), [{ startMs: 10, endMs: 20 }]);
  assert.deepEqual(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5).windowsFor(12), [{ startMs: 5, endMs: 15 }, { startMs: 10, endMs: 20 }]);
  assert.deepEqual(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5).windowsFor(3), [{ startMs: 0, endMs: 10 }]);
  assert.throws(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11), RangeError);
  assert.throws(() => TimeWindows.ofSizeAndGrace(10, -1), RangeError);
});

function windowedCount(windows: TimeWindows) {
  const b = new StreamsBuilder();
  b.stream<string, string>('views', { keySerde: str, valueSerde: str })
    .groupByKey()
    .windowedBy(windows)
    .count({ storeName: 'views-per-window' })
    .toStream()
    .map((wk, n) => [`${wk.key}@${wk.window.startMs}-${wk.window.endMs}`, n] as [string, number])
    .to('out', { keySerde: str, valueSerde: Serdes.int64() });
  const driver = new TopologyTestDriver(b.build());
  return { driver, input: driver.createInputTopic('views', str, str), out: driver.createOutputTopic('out', str, Serdes.int64()) };
}

test('tumbling windows: a record at the end boundary opens the next window', () => {
  const { driver, input, out } = windowedCount(TimeWindows.ofSizeAndGrace(10, 100));
  input.pipeInput('p', 'v', 0);
  input.pipeInput('p', 'v', 9);
  input.pipeInput('p', 'v', 10);
  input.pipeInput('q', 'v', 19);
  assert.deepEqual(out.readKeyValuesToList(), [['p@0-10', 1], ['p@0-10', 2], ['p@10-20', 1], ['q@10-20', 1]]);
  assert.deepEqual(driver.getWindowStore<string, number>('views-per-window').fetchRange('p', 0, 100), [
    { windowStartMs: 0, value: 2 },
    { windowStartMs: 10, value: 1 },
  ]);
});

test('grace: out-of-order records count until stream time passes window end + grace, then are dropped', () => {
  const { driver, input, out } = windowedCount(TimeWindows.ofSizeAndGrace(10, 5));
  input.pipeInput('p', 'v', 3); // window [0,10)
  input.pipeInput('p', 'v', 14); // stream time 14: [0,10) closes at 10 + 5 = 15
  input.pipeInput('p', 'v', 4); // late but within grace: counted
  input.pipeInput('p', 'v', 15); // stream time 15: [0,10) is now closed
  input.pipeInput('p', 'v', 9); // too late: dropped
  input.pipeInput('p', 'v', 11); // [10,20) still open
  assert.deepEqual(out.readKeyValuesToList(), [['p@0-10', 1], ['p@10-20', 1], ['p@0-10', 2], ['p@10-20', 2], ['p@10-20', 3]]);
  assert.equal(driver.droppedRecords().get('late record (window closed)'), 1);
  assert.equal(driver.getWindowStore<string, number>('views-per-window').fetch('p', 0), 2);
});

test('no grace: a window closes exactly when stream time reaches its end', () => {
  const { driver, input, out } = windowedCount(TimeWindows.ofSizeWithNoGrace(10));
  input.pipeInput('p', 'v', 9);
  input.pipeInput('p', 'v', 10);
  input.pipeInput('p', 'v', 9);
  assert.deepEqual(out.readKeyValuesToList(), [['p@0-10', 1], ['p@10-20', 1]]);
  assert.equal(driver.droppedRecords().get('late record (window closed)'), 1);
});

test('hopping windows: each record updates every window holding it; late drops are per window', () => {
  const { driver, input, out } = windowedCount(TimeWindows.ofSizeAndGrace(10, 0).advanceBy(5));
  input.pipeInput('p', 'v', 7); // [0,10) and [5,15)
  input.pipeInput('p', 'v', 12); // [5,15) and [10,20); stream time 12 closes [0,10)
  input.pipeInput('p', 'v', 8); // [0,10) closed -> dropped there; [5,15) still open
  assert.deepEqual(out.readKeyValuesToList(), [['p@0-10', 1], ['p@5-15', 1], ['p@5-15', 2], ['p@10-20', 1], ['p@5-15', 3]]);
  assert.equal(driver.droppedRecords().get('late record (window closed)'), 1);
});

test('window store retention evicts old windows; windowed keys serialize as key bytes + start', () => {
  const { driver, input } = windowedCount(TimeWindows.ofSizeAndGrace(10, 5));
  input.pipeInput('p', 'v', 1);
  input.pipeInput('p', 'v', 100);
  const store = driver.getWindowStore<string, number>('views-per-window');
  assert.deepEqual(store.all().map((e) => [e.key, e.windowStartMs, e.value]), [['p', 100, 1]]);
  const serde = windowedSerde(str, 10);
  const bytes = serde.serialize('t', { key: 'ab', window: { startMs: 20, endMs: 30 } })!;
  assert.equal(bytes.length, 10);
  assert.deepEqual(serde.deserialize('t', bytes), { key: 'ab', window: { startMs: 20, endMs: 30 } });
});

test('windowed reduce and aggregate keep separate values per window', () => {
  const b = new StreamsBuilder();
  const grouped = b.stream<string, number>('in', { keySerde: str, valueSerde: Serdes.int32() }).groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10));
  grouped.reduce((a, v) => a + v, { storeName: 'sum', retentionMs: 100 });
  grouped.aggregate(() => [] as number[], (_k, v, list) => [...list, v], { storeName: 'list', valueSerde: Serdes.json<number[]>() });
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('in', str, Serdes.int32());
  input.pipeInput('k', 1, 1);
  input.pipeInput('k', 2, 2);
  input.pipeInput('k', 5, 12);
  assert.deepEqual(driver.getWindowStore<string, number>('sum').all().map((e) => [e.windowStartMs, e.value]), [[0, 3], [10, 5]]);
  // 'list' keeps the default retention (size + grace = 10): window 0 went once window 10 opened.
  assert.deepEqual(driver.getWindowStore<string, number[]>('list').all().map((e) => [e.windowStartMs, e.value]), [[10, [5]]]);
});
