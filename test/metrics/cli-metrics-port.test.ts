// `brook start --metrics-port`: parsing, and a real process serving /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStartArgs, UsageError } from '../../src/cli/start-args.js';
import { freePort, removeDir, startChildBroker, tempDir } from '../helpers/broker.js';
import { sample, scrape } from './scrape.js';

test('--metrics-port is parsed, validated, and absent by default', () => {
  assert.equal(parseStartArgs(['--metrics-port', '9404']).metricsPort, 9404);
  assert.equal(parseStartArgs([]).metricsPort, null);
  assert.throws(() => parseStartArgs(['--metrics-port', 'http']), (err: unknown) => err instanceof UsageError && /port number/.test(err.message));
});

test('brook start --metrics-port serves /metrics and /ready from the broker process', async () => {
  const dataDir = tempDir();
  const [port, metricsPort] = [await freePort(), await freePort()];
  const broker = await startChildBroker(dataDir, port, ['--metrics-port', String(metricsPort), '--storage', 'memory']);
  try {
    const url = `http://127.0.0.1:${metricsPort}`;
    assert.equal((await fetch(`${url}/ready`)).status, 200);
    const text = await scrape(url);
    assert.equal(sample(text, 'brook_offline_partitions'), 0);
    assert.match(broker.output(), /"msg":"metrics on http:\/\/127\.0\.0\.1:\d+\/metrics"/);
  } finally {
    broker.child.kill('SIGTERM');
    await broker.exited;
    removeDir(dataDir);
  }
});
