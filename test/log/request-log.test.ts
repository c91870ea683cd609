// Request lines are logged at debug level only, with the client's address, id and API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/broker/index.js';
import { createLogger, type LevelSetting } from '../../src/log/logger.js';
import { kcat } from '../helpers/kcat.js';

async function linesWhileListing(level: LevelSetting): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const logger = createLogger({ level, stream: { write: (s: string) => lines.push(s) } });
  const broker = await startBroker({ host: '127.0.0.1', port: 0, storage: 'memory', logger });
  try {
    const listed = await kcat(['-b', broker.bootstrapServers, '-L', '-J']);
    assert.equal(listed.code, 0, listed.stderr);
  } finally {
    await broker.stop();
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('debug: one line per request with client, client id, API and latency', async () => {
  const records = await linesWhileListing('debug');
  const requests = records.filter((r) => r['msg'] === 'request');
  const metadata = requests.find((r) => r['api'] === 'Metadata');
  assert.ok(metadata, JSON.stringify(records));
  assert.equal(metadata['level'], 'debug');
  assert.match(String(metadata['client']), /^127\.0\.0\.1:\d+$/);
  assert.equal(metadata['clientId'], 'rdkafka');
  assert.equal(typeof metadata['latencyMs'], 'number');
  assert.ok(requests.some((r) => r['api'] === 'ApiVersions'));
  assert.ok(records.some((r) => r['msg'] === 'connection opened'));
});

test('info: no request lines', async () => {
  const records = await linesWhileListing('info');
  assert.deepEqual(records.filter((r) => r['msg'] === 'request' || r['level'] === 'debug'), []);
});
