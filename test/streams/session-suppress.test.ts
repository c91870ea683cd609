/** Session windows (merging, grace, late records) and suppress (final results per window, time limits). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Serdes, SessionWindows, StreamsBuilder, Suppressed, TimeWindows, TopologyTestDriver} from '../../src/streams/index.js';

const str = Serdes.string();
const strings = { keySerde: str, valueSerde: str };
const label = (wk: { key: string; window: { startMs: number; endMs: number } }) => `${wk.key}@${wk.window.startMs}-${wk.window.endMs}`;

test('session windows: records within the gap share a session; a record between two sessions merges them', () => {
  const b = new StreamsBuilder();
  b.stream<string, string>('clicks', strings)
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 20))
    .count({ storeName: 'sessions' })
    .toStream()
    .map((wk, n) => [label(wk), n === null ? -1 : n] as [string, number])
    .to('out', { keySerde: str, valueSerde: Serdes.int64() });
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('clicks', str, str);
  const out = driver.createOutputTopic('out', str, Serdes.int64());
  input.pipeInput('u', 'c', 0);
  input.pipeInput('u', 'c', 5); // extends [0,0] to [0,5]
  input.pipeInput('u', 'c', 30); // a new session
  assert.deepEqual(out.readKeyValuesToList(), [['u@0-0', 1], ['u@0-0', -1], ['u@0-5', 2], ['u@30-30', 1]]);
  input.pipeInput('u', 'c', 17); // 12 after 5, 13 before 30: its own session
  input.pipeInput('u', 'c', 24); // within 10 of 17 and of 30: merges [17,17] and [30,30]
  assert.deepEqual(out.readKeyValuesToList(), [['u@17-17', 1], ['u@17-17', -1], ['u@30-30', -1], ['u@17-30', 3]]);
  const store = driver.getSessionStore<string, number>('sessions');
  assert.deepEqual(store.fetch('u').map((s) => [s.startMs, s.endMs, s.value]), [[0, 5, 2], [17, 30, 3]]);
  input.pipeInput('u', 'c', 1); // joins [0,5], which ended before stream time 30 - grace 20: late
  assert.equal(out.getQueueSize(), 0);
  assert.equal(driver.droppedRecords().get('late record (session closed)'), 1);
});

test('session reduce and aggregate merge the sessions a record bridges', () => {
  const b = new StreamsBuilder();
  const grouped = b.stream<string, string>('words', strings).groupByKey();
  grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5)).reduce((a, v) => `${a}+${v}`, { storeName: 'reduced' });
  grouped
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
    .aggregate(() => [] as string[], (_k, v, agg) => [...agg, v], (_k, a, c) => [...a, ...c], { storeName: 'lists', valueSerde: Serdes.json<string[]>() });
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('words', str, str);
  input.pipeInput('k', 'a', 0);
  input.pipeInput('k', 'c', 10);
  input.pipeInput('k', 'b', 5);
  const reduced = driver.getSessionStore<string, string>('reduced');
  assert.deepEqual(reduced.fetch('k').map((s) => [s.startMs, s.endMs, s.value]), [[0, 10, 'a+c+b']]);
  const lists = driver.getSessionStore<string, string[]>('lists');
  assert.deepEqual(lists.fetch('k').map((s) => s.value), [['a', 'c', 'b']]);
});

test('suppress(untilWindowCloses) emits one final count per window once stream time passes end + grace', () => {
  const b = new StreamsBuilder();
  b.stream<string, string>('views', strings)
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
    .count()
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .map((wk, n) => [label(wk), n] as [string, number])
    .to('final', { keySerde: str, valueSerde: Serdes.int64() });
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('views', str, str);
  const out = driver.createOutputTopic('final', str, Serdes.int64());
  for (const ts of [1, 3, 9, 12]) input.pipeInput('p', 'v', ts);
  input.pipeInput('p', 'v', 8); // late but within grace: still counted in [0,10)
  assert.equal(out.getQueueSize(), 0, 'nothing before the window closes');
  input.pipeInput('q', 'v', 15); // stream time 15 = end 10 + grace 5: [0,10) closes
  assert.deepEqual(out.readKeyValuesToList(), [['p@0-10', 4]]);
  input.pipeInput('q', 'v', 40);
  assert.deepEqual(out.readKeyValuesToList(), [['p@10-20', 1], ['q@10-20', 1]]);
});

test('suppress(untilTimeLimit) emits a key\'s latest value once per time limit; untilWindowCloses needs a windowed table', () => {
  const b = new StreamsBuilder();
  const counts = b.stream<string, string>('events', strings).groupByKey().count();
  counts.suppress(Suppressed.untilTimeLimit(100)).toStream().to('limited', { valueSerde: Serdes.int64() });
  assert.throws(() => counts.suppress(Suppressed.untilWindowCloses()), /windowed table/);
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('events', str, str);
  const out = driver.createOutputTopic('limited', str, Serdes.int64());
  input.pipeInput('a', 'x', 0);
  input.pipeInput('a', 'x', 50);
  input.pipeInput('b', 'x', 60);
  assert.equal(out.getQueueSize(), 0);
  input.pipeInput('a', 'x', 100); // a's first buffered update was at 0: due at 100
  assert.deepEqual(out.readKeyValuesToList(), [['a', 3]]);
  input.pipeInput('c', 'x', 160);
  assert.deepEqual(out.readKeyValuesToList(), [['b', 1]]);
});
