/**
 * exactly_once_v2 against a real broker: a word count process killed with SIGKILL in the middle of
 * its input and started again. Read read_committed, every word's counts must go 1, 2, 3, ... n with
 * nothing repeated or skipped (a double-counted record would repeat or skip a count), and n must be
 * the word's true count.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Admin, Consumer, Producer } from '../../src/client/index.js';
import { Serdes } from '../../src/streams/index.js';
import { startTestBroker, removeDir, type TestBroker } from '../helpers/broker.js';

const appPath = fileURLToPath(new URL('./eos-app.js', import.meta.url));
let broker: TestBroker;
const children: ChildProcess[] = [];

before(async () => {
  broker = await startTestBroker({ storage: 'memory', config: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000' } });
});

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await broker.stop();
  removeDir(broker.dataDir);
});

function startApp(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [appPath, broker.bootstrapServers, 'eos-in', 'eos-out', 'exactly_once_v2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      log += d;
      if (log.includes('started')) resolve(child);
    });
    child.stderr!.on('data', (d) => (log += d));
    child.once('exit', (code) => reject(new Error(`app exited ${code}: ${log}`)));
  });
}

/** Every committed output record, per word, in order. */
async function committedCounts(consumer: Consumer, into: Map<string, number[]>, until: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!until() && Date.now() < deadline) {
    for (const r of await consumer.poll({ timeoutMs: 100 })) {
      const word = r.key!.toString();
      if (!into.has(word)) into.set(word, []);
      into.get(word)!.push(Serdes.int64().deserialize(r.topic, r.value)!);
    }
  }
}

test('a word count killed with SIGKILL mid-stream and restarted counts every word exactly once', async () => {
  const admin = new Admin({ bootstrapServers: broker.bootstrapServers });
  await admin.createTopics({ topics: [{ topic: 'eos-in', numPartitions: 3 }, { topic: 'eos-out', numPartitions: 1 }] });
  await admin.close();
  const words = ['alpha', 'beta', 'gamma', 'delta', 'eps'];
  const lines = Array.from({ length: 1500 }, (_, i) => [0, 1, 2].map((j) => words[(i * 7 + j * 3) % words.length]).join(' '));
  const expected = new Map<string, number>();
  for (const w of lines.join(' ').split(' ')) expected.set(w, (expected.get(w) ?? 0) + 1);
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers });
  await producer.send({ topic: 'eos-in', messages: lines.slice(0, 1000).map((value, i) => ({ key: `l${i}`, value })) });

  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers, isolationLevel: 'read_committed', autoOffsetReset: 'earliest', maxWaitMs: 50 });
  const seen = new Map<string, number[]>();
  try {
    await consumer.assign([{ topic: 'eos-out', partition: 0, offset: 0 }]);
    const first = await startApp();
    await committedCounts(consumer, seen, () => [...seen.values()].reduce((n, l) => n + l.length, 0) >= 300, 30_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const committedAtKill = [...seen.values()].reduce((n, l) => n + l.length, 0);
    assert.ok(committedAtKill < 3000, `the kill landed mid-stream (${committedAtKill} of 3000 updates were committed)`);

    await producer.send({ topic: 'eos-in', messages: lines.slice(1000).map((value, i) => ({ key: `m${i}`, value })) });
    const second = await startApp();
    // Until every word reached its count (an over-count would pass it), then everything committed.
    await committedCounts(consumer, seen, () => words.every((w) => (seen.get(w)?.at(-1) ?? 0) >= expected.get(w)!), 60_000);
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
    const admin2 = new Admin({ bootstrapServers: broker.bootstrapServers });
    const [end] = await admin2.fetchTopicOffsets('eos-out');
    await admin2.close();
    await committedCounts(consumer, seen, () => consumer.position({ topic: 'eos-out', partition: 0 }) >= end!.high, 20_000);
    for (const w of words) {
      const counts = seen.get(w) ?? [];
      assert.equal(counts.at(-1), expected.get(w), `${w}: final count`);
      assert.deepEqual(counts, Array.from({ length: expected.get(w)! }, (_, i) => i + 1), `${w}: every count once, in order`);
    }
  } finally {
    await consumer.close();
    await producer.close();
  }
});
