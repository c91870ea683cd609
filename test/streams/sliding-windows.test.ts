/** Sliding-window aggregation: windows defined by records, boundaries, grace, late records, early records. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder, Serdes, SlidingWindows, Suppressed, TimestampedWindowStore, TopologyTestDriver, type KTable, type Serde, type Windowed } from '../../src/streams/index.js';

const str = Serdes.string();
const fmt = (wk: Windowed<string>) => `${wk.key}@${wk.window.startMs}-${wk.window.endMs}`;

function driverFor<V>(build: (b: StreamsBuilder) => KTable<Windowed<string>, V>, valueSerde: Serde<V>) {
  const b = new StreamsBuilder();
  build(b)
    .toStream()
    .map((wk, v) => [fmt(wk), v] as [string, V])
    .to('out', { keySerde: str, valueSerde });
  const driver = new TopologyTestDriver(b.build());
  return driver;
}

function slidingCount(windows: SlidingWindows, retentionMs?: number) {
  const driver = driverFor<number>(
    (b) =>
      b
        .stream<string, string>('in', { keySerde: str, valueSerde: str })
        .groupByKey()
        .windowedBy(windows)
        .count({ storeName: 'counts', ...(retentionMs ? { retentionMs } : {}) }),
    Serdes.int64(),
  );
  return { driver, input: driver.createInputTopic('in', str, str), out: driver.createOutputTopic('out', str, Serdes.int64()) };
}

test('SlidingWindows validates its arguments', () => {
  assert.throws(() => SlidingWindows.ofTimeDifferenceWithNoGrace(0), RangeError);
  assert.throws(() => SlidingWindows.ofTimeDifferenceAndGrace(10, -1), RangeError);
  assert.equal(SlidingWindows.ofTimeDifferenceAndGrace(10, 3).graceMs, 3);
});

test('in-order and out-of-order records: left windows, right windows, closed windows dropped', () => {
  const { driver, input, out } = slidingCount(SlidingWindows.ofTimeDifferenceWithNoGrace(10));
  input.pipeInput('a', 'v', 20);
  assert.deepEqual(out.readKeyValuesToList(), [['a@10-20', 1]]);
  // 25: the previous record's right window [21,31] is created; its left window starts from [10,20]'s aggregate.
  input.pipeInput('a', 'v', 25);
  assert.deepEqual(out.readKeyValuesToList(), [['a@21-31', 1], ['a@15-25', 2]]);
  // 22 (stream time 25, no grace): updates the open windows holding it; its own left window [12,22]
  // is already closed; its right window [23,33] takes the later record 25.
  input.pipeInput('a', 'v', 22);
  assert.deepEqual(out.readKeyValuesToList(), [['a@15-25', 3], ['a@21-31', 2], ['a@23-33', 1]]);
  assert.equal(driver.droppedRecords().get('late record (window closed)'), 1);
  // 14: even its right window [15,25] ends at 25 <= close time: the whole record is late.
  input.pipeInput('a', 'v', 14);
  assert.deepEqual(out.readKeyValuesToList(), []);
  assert.equal(driver.droppedRecords().get('late record (window closed)'), 2);
  // 15: [15,25] ends exactly at close time and is still open; [10,20] and its left window [5,15] are not.
  input.pipeInput('a', 'v', 15);
  assert.deepEqual(out.readKeyValuesToList(), [['a@15-25', 4], ['a@16-26', 3]]);
  assert.equal(driver.droppedRecords().get('late record (window closed)'), 4);
  const store = driver.getWindowStore<string, number>('counts');
  assert.equal(store.fetch('a', 15), 4);
  assert.equal(store.fetch('a', 12), null);
  assert.deepEqual(store.fetchRange('a', 0, 100).map((w) => [w.windowStartMs, w.value]), [[10, 1], [15, 4], [16, 3], [21, 2], [23, 1]]);
});

test('records earlier than the time difference share the window [0, d]', () => {
  const { driver, input, out } = slidingCount(SlidingWindows.ofTimeDifferenceAndGrace(10, 100));
  input.pipeInput('a', 'v', 3);
  assert.deepEqual(out.readKeyValuesToList(), [['a@0-10', 1]]);
  input.pipeInput('a', 'v', 8);
  assert.deepEqual(out.readKeyValuesToList(), [['a@4-14', 1], ['a@0-10', 2]]);
  input.pipeInput('a', 'v', 12);
  assert.deepEqual(out.readKeyValuesToList(), [['a@4-14', 2], ['a@9-19', 1], ['a@2-12', 3]]);
  // 1: its right window [2,12] already exists (it holds 3, 8 and 12), so only [0,10] changes.
  input.pipeInput('a', 'v', 1);
  assert.deepEqual(out.readKeyValuesToList(), [['a@0-10', 3]]);
  assert.equal(driver.getWindowStore<string, number>('counts').fetch('a', 2), 3);
});

test('keys have their own windows; reduce and aggregate fold values; output timestamps are the latest record in the window', () => {
  const b = new StreamsBuilder();
  const grouped = b.stream<string, string>('in', { keySerde: str, valueSerde: str }).groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(5, 50));
  grouped.reduce((a, v) => `${a}+${v}`, { storeName: 'reduced' }).toStream().map((wk, v) => [fmt(wk), v] as [string, string]).to('reduced', { keySerde: str, valueSerde: str });
  grouped
    .aggregate(() => 100, (_k, v, agg) => agg + v.length, { storeName: 'sums', valueSerde: Serdes.int64() })
    .toStream()
    .map((wk, v) => [fmt(wk), v] as [string, number])
    .to('sums', { keySerde: str, valueSerde: Serdes.int64() });
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('in', str, str);
  input.pipeInput('a', 'x', 10);
  input.pipeInput('b', 'yy', 11);
  input.pipeInput('a', 'zzz', 13);
  input.pipeInput('a', 'w', 9);
  const reduced = driver.createOutputTopic('reduced', str, str).readRecordsToList();
  assert.deepEqual(reduced.map((r) => [r.key, r.value, r.timestampMs]), [
    ['a@5-10', 'x', 10],
    ['b@6-11', 'yy', 11],
    ['a@11-16', 'zzz', 13],
    ['a@8-13', 'x+zzz', 13],
    // 9: joins [5,10] (holding 10) and [8,13]; its left window [4,9] is new; its right window [10,15] holds 10 and 13.
    ['a@5-10', 'x+w', 10],
    ['a@8-13', 'x+zzz+w', 13],
    ['a@4-9', 'w', 9],
    ['a@10-15', 'x+zzz', 13],
  ]);
  const sums = driver.createOutputTopic('sums', str, Serdes.int64()).readKeyValuesToList();
  assert.deepEqual(sums.slice(-4), [['a@5-10', 102], ['a@8-13', 105], ['a@4-9', 101], ['a@10-15', 104]]);
});

test('suppress(untilWindowCloses): one final result per sliding window, at end + grace + 1', () => {
  const b = new StreamsBuilder();
  b.stream<string, string>('in', { keySerde: str, valueSerde: str })
    .groupByKey()
    .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 5))
    .count()
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .map((wk, v) => [fmt(wk), v] as [string, number])
    .to('final', { keySerde: str, valueSerde: Serdes.int64() });
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('in', str, str);
  const out = driver.createOutputTopic('final', str, Serdes.int64());
  input.pipeInput('a', 'v', 20);
  input.pipeInput('a', 'v', 25);
  // Close time 20: [10,20] ends there and still takes 18; 18's own left window [8,18] is closed.
  input.pipeInput('a', 'v', 18);
  assert.deepEqual(out.readKeyValuesToList(), []);
  input.pipeInput('a', 'v', 26); // stream time 26 = 20 + 5 + 1: [10,20] is final
  assert.deepEqual(out.readKeyValuesToList(), [['a@10-20', 2]]);
  input.pipeInput('a', 'v', 20); // too late for [10,20] now
  assert.deepEqual(out.readKeyValuesToList(), []);
  input.pipeInput('a', 'v', 40);
  const final = new Map(out.readKeyValuesToList());
  assert.equal(final.get('a@15-25'), 4); // 18, 20, 25 and the late 20
  assert.equal(final.get('a@8-18'), undefined); // never created: it was closed on arrival
});

/** A small seeded generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every window Kafka keeps for these timestamps, with its count, computed directly from the definition. */
function bruteForce(timestamps: number[], d: number): Map<number, number> {
  const count = (start: number) => timestamps.filter((t) => t >= start && t <= start + d).length;
  const out = new Map<number, number>();
  for (const t of timestamps) {
    const left = Math.max(0, t - d);
    out.set(left, count(left));
    if (count(t + 1) > 0) out.set(t + 1, count(t + 1));
  }
  return out;
}

test('random out-of-order input (all within grace) ends with exactly the windows the definition gives', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const next = random(seed);
    const d = 3 + Math.floor(next() * 10);
    const { driver, input, out } = slidingCount(SlidingWindows.ofTimeDifferenceAndGrace(d, 1_000_000), 10_000_000);
    const byKey = new Map<string, number[]>([['a', []], ['b', []]]);
    for (let i = 0; i < 30; i++) {
      const key = next() < 0.5 ? 'a' : 'b';
      const ts = Math.floor(next() * 60);
      byKey.get(key)!.push(ts);
      input.pipeInput(key, 'v', ts);
    }
    const store = driver.getWindowStore<string, number>('counts');
    const lastEmitted = new Map(out.readKeyValuesToList());
    for (const [key, timestamps] of byKey) {
      const expected = [...bruteForce(timestamps, d)].sort((x, y) => x[0] - y[0]);
      const actual = store.fetchRange(key, 0, 1000).map((w) => [w.windowStartMs, w.value]);
      assert.deepEqual(actual, expected, `seed ${seed} key ${key} d ${d} timestamps ${timestamps.join(',')}`);
      for (const [start, n] of expected) assert.equal(lastEmitted.get(`${key}@${start}-${start + d}`), n, `seed ${seed}: last update of ${key}@${start}`);
    }
    driver.close();
  }
});

test('timestamped window store: changelog values carry the timestamp, and restore brings it back', () => {
  const logged: Array<[Buffer, Buffer | null]> = [];
  const context = { applicationId: 'app', taskId: '0_0', logChange: (_s: string, k: Buffer, v: Buffer | null) => void logged.push([k, v]) };
  const store = new TimestampedWindowStore<string, number>('s', 10, 30, str, Serdes.int64());
  store.init(context);
  store.putWithTimestamp('a', 7, 100, 105);
  store.putWithTimestamp('a', 8, 101, 109);
  store.putWithTimestamp('a', null, 101, 109);
  assert.equal(logged.length, 3);
  assert.equal(Number(logged[0]![1]!.readBigInt64BE(0)), 105);
  assert.equal(Number(logged[0]![1]!.readBigInt64BE(8)), 7);
  assert.equal(logged[2]![1], null);
  const copy = new TimestampedWindowStore<string, number>('s', 10, 30, str, Serdes.int64());
  copy.init(context);
  for (const [k, v] of logged) copy.restore(k, v);
  assert.deepEqual(copy.fetchWithTimestamp('a', 100), { value: 7, timestampMs: 105 });
  assert.equal(copy.fetch('a', 101), null);
  assert.deepEqual(copy.all(), [{ key: 'a', windowStartMs: 100, value: 7 }]);
});
