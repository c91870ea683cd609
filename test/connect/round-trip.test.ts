/**
 * File source -> topic -> file sink against a real broker; then the runtime is restarted and both
 * sides resume where they stopped (source offsets from the offsets file, sink from committed
 * group offsets): every line arrives exactly once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestBroker, tempDir, removeDir, type TestBroker } from '../helpers/broker.js';
import { lines, startWorker, waitFor, workerConfig } from './helpers.js';

let broker: TestBroker;
let dir: string;

before(async () => {
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } });
  dir = tempDir('brook-connect-');
});

after(async () => {
  await broker.stop();
  removeDir(broker.dataDir);
  removeDir(dir);
});

test('file source -> topic -> file sink, resuming after a runtime restart', async () => {
  const input = join(dir, 'in.txt');
  const output = join(dir, 'out.txt');
  const first = Array.from({ length: 50 }, (_, i) => `line-${i}`);
  writeFileSync(input, first.join('\n') + '\n');
  const worker = workerConfig(broker.bootstrapServers, dir);
  const source = { name: 'src', 'connector.class': 'FileStreamSource', file: input, topic: 'lines', 'batch.size': '7' };
  const sink = { name: 'snk', 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', file: output, topics: 'lines' };

  let connect = await startWorker(worker, [source, sink]);
  await waitFor('first lines in the sink file', () => lines(output).length >= first.length);
  // A line appended while running is picked up too.
  appendFileSync(input, 'while-running\n');
  await waitFor('the appended line', () => lines(output).includes('while-running'));
  await connect.stop();

  const stored = JSON.parse(readFileSync(join(dir, 'connect.offsets'), 'utf8'));
  assert.deepEqual(stored.offsets[0].key, ['src', { filename: input }]);
  assert.equal(stored.offsets[0].offset.position, readFileSync(input).length);

  const more = Array.from({ length: 20 }, (_, i) => `after-restart-${i}`);
  appendFileSync(input, more.join('\n') + '\n');
  connect = await startWorker(worker, [source, sink]);
  try {
    const expected = [...first, 'while-running', ...more];
    await waitFor('lines written after the restart', () => lines(output).length >= expected.length);
    const offsets = await fetch(`${connect.url}/connectors/snk/offsets`).then((r) => r.json());
    assert.equal(offsets.offsets[0].partition.kafka_topic, 'lines');
    assert.deepEqual(lines(output), expected, 'every line exactly once, in order');
  } finally {
    await connect.stop();
  }
});
