/** Time in a task: punctuators (stream time and wall-clock), and the order a poll's records are processed in. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inTimestampOrder } from '../../src/streams/runtime/timestamp-order.js';
import { Serdes, Topology, TopologyTestDriver, type Processor, type ProcessorContext } from '../../src/streams/index.js';

const str = Serdes.string();

/** Sums values per key in memory; emits the sums on each punctuation, then forgets them. */
function summingTopology(type: 'STREAM_TIME' | 'WALL_CLOCK_TIME', fired: number[]): Topology {
  return new Topology()
    .addSource('in', 'nums', str, Serdes.int32())
    .addProcessor('sum', (): Processor<string, number, string, number> => {
      const sums = new Map<string, number>();
      let ctx!: ProcessorContext<string, number>;
      return {
        init(context) {
          ctx = context;
          context.schedule(1000, type, (ts) => {
            fired.push(ts);
            for (const [k, v] of sums) ctx.forward({ key: k, value: v, timestampMs: ts, headers: [] });
            sums.clear();
          });
        },
        process(r) {
          sums.set(r.key, (sums.get(r.key) ?? 0) + r.value);
        },
      };
    }, 'in')
    .addSink('out', 'sums', str, Serdes.int32(), 'sum');
}

test('stream-time punctuation fires with the first record, then each time stream time crosses an interval boundary', () => {
  const fired: number[] = [];
  const driver = new TopologyTestDriver(summingTopology('STREAM_TIME', fired));
  const input = driver.createInputTopic('nums', str, Serdes.int32());
  const output = driver.createOutputTopic('sums', str, Serdes.int32());
  input.pipeInput('a', 1, 500); // the first data fires it (schedules are aligned to 0); next due at 1000
  input.pipeInput('a', 2, 900);
  input.pipeInput('b', 5, 999);
  assert.deepEqual(fired, [500]);
  input.pipeInput('a', 3, 1000);
  assert.deepEqual(fired, [500, 1000]);
  assert.deepEqual(output.readKeyValuesToList(), [['a', 1], ['a', 5], ['b', 5]]);
  input.pipeInput('a', 1, 3500); // a jump over two boundaries fires once; next due at 4000
  input.pipeInput('a', 1, 3999);
  input.pipeInput('a', 1, 200); // out of order: stream time stays at 3999
  assert.deepEqual(fired, [500, 1000, 3500]);
  input.pipeInput('a', 1, 4000);
  assert.deepEqual(fired, [500, 1000, 3500, 4000]);
  assert.deepEqual(output.readKeyValuesToList(), [['a', 1], ['a', 3]]);
  driver.advanceWallClockTime(60_000);
  assert.equal(fired.length, 4, 'wall-clock time does not drive stream-time punctuation');
});

test('wall-clock punctuation fires as the driver advances wall-clock time, whatever the records say', () => {
  const fired: number[] = [];
  const driver = new TopologyTestDriver(summingTopology('WALL_CLOCK_TIME', fired), { initialWallClockTimeMs: 10_000 });
  const input = driver.createInputTopic('nums', str, Serdes.int32());
  const output = driver.createOutputTopic('sums', str, Serdes.int32());
  input.pipeInput('a', 1, 99_999_999);
  assert.deepEqual(fired, [], 'record time does not drive wall-clock punctuation');
  driver.advanceWallClockTime(999);
  assert.deepEqual(fired, []);
  driver.advanceWallClockTime(1);
  assert.deepEqual(fired, [11_000]);
  assert.deepEqual(output.readKeyValuesToList(), [['a', 1]]);
  driver.advanceWallClockTime(5500);
  assert.deepEqual(fired, [11_000, 16_500], 'once per advance');
});

test('a cancelled schedule stops firing; intervals below 1 ms are refused', () => {
  const fired: number[] = [];
  const topology = new Topology().addSource('in', 'nums', str, Serdes.int32()).addProcessor('p', (): Processor<string, number> => {
    let cancel = () => {};
    return {
      init(ctx) {
        assert.throws(() => ctx.schedule(0, 'STREAM_TIME', () => {}), RangeError);
        const c = ctx.schedule(10, 'STREAM_TIME', (ts) => {
          fired.push(ts);
          if (fired.length === 2) cancel();
        });
        cancel = () => c.cancel();
      },
      process() {},
    };
  }, 'in');
  const driver = new TopologyTestDriver(topology);
  const input = driver.createInputTopic('nums', str, Serdes.int32());
  for (const ts of [0, 10, 20, 30]) input.pipeInput('k', 1, ts);
  assert.deepEqual(fired, [0, 10]);
});

test('a poll\'s records are processed smallest head timestamp first, each partition in offset order', () => {
  const r = (topic: string, partition: number, timestamp: number) => ({ topic, partition, timestamp });
  const polled = [r('a', 0, 5), r('a', 0, 1), r('a', 0, 9), r('b', 0, 2), r('b', 0, 3), r('a', 1, 4)];
  assert.deepEqual(inTimestampOrder(polled).map((x) => `${x.topic}${x.partition}@${x.timestamp}`), ['b0@2', 'b0@3', 'a1@4', 'a0@5', 'a0@1', 'a0@9']);
});
