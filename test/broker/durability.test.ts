/** Acknowledged records survive a clean restart and a kill -9 of the broker process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, startChildBroker, freePort, tempDir, removeDir } from '../helpers/broker.js';
import { kcat, keyedLines } from '../helpers/kcat.js';

async function countRecords(bootstrap: string, topic: string): Promise<string[]> {
  const out = await kcat(['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k:%s\n']);
  assert.equal(out.code, 0, out.stderr);
  return out.stdout.split('\n').filter((l) => l.length > 0);
}

test('a clean stop and restart on the same data dir keeps every record and topic id', async () => {
  const dataDir = tempDir();
  try {
    const first = await startTestBroker({ dataDir, config: { 'num.partitions': '2' } });
    const produced = await kcat(['-b', first.bootstrapServers, '-P', '-t', 'restart', '-K:'], keyedLines(5000, 10));
    assert.equal(produced.code, 0, produced.stderr);
    const before = JSON.parse((await kcat(['-b', first.bootstrapServers, '-L', '-J', '-t', 'restart'])).stdout);
    await first.stop();

    const second = await startTestBroker({ dataDir });
    const lines = await countRecords(second.bootstrapServers, 'restart');
    assert.equal(lines.length, 5000);
    const after = JSON.parse((await kcat(['-b', second.bootstrapServers, '-L', '-J', '-t', 'restart'])).stdout);
    assert.equal(after.topics[0].partitions.length, before.topics[0].partitions.length);
    // New appends continue after the recovered end offsets.
    const more = await kcat(['-b', second.bootstrapServers, '-P', '-t', 'restart', '-K:'], keyedLines(10, 10));
    assert.equal(more.code, 0, more.stderr);
    assert.equal((await countRecords(second.bootstrapServers, 'restart')).length, 5010);
    await second.stop();
  } finally {
    removeDir(dataDir);
  }
});

test('records acknowledged with acks=all survive kill -9 mid-stream', async () => {
  const dataDir = tempDir();
  const port = await freePort();
  try {
    const child = await startChildBroker(dataDir, port, ['--set', 'num.partitions=1']);
    const kafka = new Kafka({ clientId: 'kill9', brokers: [child.bootstrapServers], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const producer = kafka.producer();
    await producer.connect();
    const acked: string[] = [];
    let killed = false;
    const sending = (async () => {
      for (let batch = 0; !killed; batch++) {
        const messages = Array.from({ length: 200 }, (_, i) => ({ key: 'k', value: `v-${batch * 200 + i}` }));
        try {
          await producer.send({ topic: 'kill9', messages, acks: -1 });
        } catch {
          return;
        }
        for (const m of messages) acked.push(m.value);
      }
    })();
    while (acked.length < 4000) await new Promise((r) => setTimeout(r, 5));
    child.child.kill('SIGKILL');
    killed = true;
    await child.exited;
    await sending;
    await producer.disconnect().catch(() => undefined);

    const restarted = await startChildBroker(dataDir, port);
    const lines = await countRecords(restarted.bootstrapServers, 'kill9');
    const stored = new Set(lines.map((l) => l.split(':')[1]));
    const lost = acked.filter((v) => !stored.has(v));
    assert.deepEqual(lost, [], `${lost.length} acknowledged records lost`);
    assert.equal(new Set(lines).size, lines.length, 'no duplicates');
    restarted.child.kill('SIGTERM');
    const exit = await restarted.exited;
    assert.equal(exit.code, 0, 'SIGTERM shuts down cleanly');
  } finally {
    removeDir(dataDir);
  }
});

test('a second broker on a live data dir refuses to start with a clear message', async () => {
  const dataDir = tempDir();
  try {
    const first = await startChildBroker(dataDir, await freePort());
    await assert.rejects(startChildBroker(dataDir, await freePort()), /lock|in use|another/i);
    first.child.kill('SIGKILL');
    await first.exited;
    // The lock a killed process left behind does not block a restart.
    const again = await startChildBroker(dataDir, await freePort());
    again.child.kill('SIGTERM');
    await again.exited;
  } finally {
    removeDir(dataDir);
  }
});
