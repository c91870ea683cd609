/** librdkafka (kcat) against Brook: metadata, keyed produce/consume, every compression codec. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, removeDir, type TestBroker } from '../helpers/broker.js';
import { kcat, keyedLines, perKeyOrderHolds } from '../helpers/kcat.js';

let broker: TestBroker;

before(async () => {
  broker = await startTestBroker({ config: { 'num.partitions': '3' } });
});

after(async () => {
  await broker.stop();
  removeDir(broker.dataDir);
});

async function consumeAll(topic: string, extra: string[] = []): Promise<string[]> {
  const out = await kcat(['-b', broker.bootstrapServers, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k:%s\n', ...extra]);
  assert.equal(out.code, 0, out.stderr);
  return out.stdout.split('\n').filter((l) => l.length > 0);
}

test('kcat -L lists the broker and auto-created topics', async () => {
  const produced = await kcat(['-b', broker.bootstrapServers, '-P', '-t', 'listed'], 'hello\n');
  assert.equal(produced.code, 0, produced.stderr);
  const out = await kcat(['-b', broker.bootstrapServers, '-L', '-J']);
  assert.equal(out.code, 0, out.stderr);
  const meta = JSON.parse(out.stdout);
  assert.equal(meta.brokers.length, 1);
  assert.equal(meta.brokers[0].id, 0);
  assert.equal(meta.brokers[0].name, broker.bootstrapServers);
  const topic = meta.topics.find((t: { topic: string }) => t.topic === 'listed');
  assert.ok(topic, 'auto-created topic is listed');
  assert.equal(topic.partitions.length, 3);
});

test('10,000 keyed records round-trip through 3 partitions with per-key order', async () => {
  const count = 10_000;
  const produced = await kcat(['-b', broker.bootstrapServers, '-P', '-t', 'keyed', '-K:', '-X', 'acks=all'], keyedLines(count, 50));
  assert.equal(produced.code, 0, produced.stderr);
  const lines = await consumeAll('keyed');
  assert.equal(lines.length, count);
  assert.equal(new Set(lines).size, count, 'no duplicates');
  assert.ok(perKeyOrderHolds(lines), 'per-key order kept');
});

for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
  test(`${codec}-compressed batches are stored and served intact`, async () => {
    const topic = `codec-${codec}`;
    const produced = await kcat(['-b', broker.bootstrapServers, '-P', '-t', topic, '-K:', '-z', codec], keyedLines(2000, 7));
    assert.equal(produced.code, 0, produced.stderr);
    const lines = await consumeAll(topic);
    assert.equal(lines.length, 2000);
    assert.ok(perKeyOrderHolds(lines));
  });
}

test('consuming a single partition from an offset returns exactly the tail', async () => {
  const produced = await kcat(['-b', broker.bootstrapServers, '-P', '-t', 'offsets', '-p', '0'], Array.from({ length: 100 }, (_, i) => `m${i}`).join('\n') + '\n');
  assert.equal(produced.code, 0, produced.stderr);
  const out = await kcat(['-b', broker.bootstrapServers, '-C', '-t', 'offsets', '-p', '0', '-o', '90', '-e', '-q', '-f', '%o:%s\n']);
  assert.equal(out.code, 0, out.stderr);
  const lines = out.stdout.trim().split('\n');
  assert.deepEqual(lines, Array.from({ length: 10 }, (_, i) => `${90 + i}:m${90 + i}`));
});
