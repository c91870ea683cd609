// The console server over HTTP against a real Brook broker, through Brook's own client (src/client).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startConsoleServer } from '../../src/console/server.js';
import { BrookClusterClient } from '../../src/console/brook-client.js';
import { removeDir, startTestBroker, tempDir } from '../helpers/broker.js';

async function api(base: string, method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': contentType } } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
}

test('console API end to end: create, produce, browse, describe, delete', async () => {
  const broker = await startTestBroker({ storage: 'memory' });
  const assets = tempDir('brook-console-assets-');
  mkdirSync(join(assets, 'assets'));
  writeFileSync(join(assets, 'index.html'), '<!doctype html><title>Brook console</title>');
  writeFileSync(join(assets, 'assets', 'app.js'), 'console.log(1)');
  const client = new BrookClusterClient({ bootstrapServers: broker.bootstrapServers, requestTimeoutMs: 5_000 });
  const server = await startConsoleServer({ client, port: 0, assetsDir: assets });
  const base = server.url;
  try {
    assert.equal((await api(base, 'POST', '/api/topics', { name: 'console-orders', partitions: 2 })).status, 201);
    const again = await api(base, 'POST', '/api/topics', { name: 'console-orders', partitions: 2 });
    assert.equal(again.status, 409);
    assert.match(again.body.error, /already exists/);

    const produced = await api(base, 'POST', '/api/topics/console-orders/messages', { partition: 1, key: 'k1', value: '{"total":42}', headers: [{ key: 'trace', value: 't-1' }] });
    assert.equal(produced.status, 201, JSON.stringify(produced.body));
    assert.deepEqual(produced.body, { partition: 1, offset: 0 });

    const browsed = await api(base, 'GET', '/api/topics/console-orders/messages?partition=1&offset=0');
    assert.equal(browsed.status, 200, JSON.stringify(browsed.body));
    assert.equal(browsed.body.highWatermark, 1);
    assert.equal(browsed.body.nextOffset, 1);
    assert.equal(browsed.body.messages.length, 1);
    const [m] = browsed.body.messages;
    assert.deepEqual([m.offset, m.key, m.value, m.headers], [0, 'k1', '{"total":42}', [{ key: 'trace', value: 't-1' }]]);
    assert.deepEqual((await api(base, 'GET', '/api/topics/console-orders/messages?partition=0')).body.messages, []);
    assert.equal((await api(base, 'GET', '/api/topics/console-orders/messages?partition=1&timestamp=0')).body.messages.length, 1);
    const future = await api(base, 'GET', `/api/topics/console-orders/messages?partition=1&timestamp=${Date.now() + 3_600_000}`);
    assert.deepEqual([future.body.messages.length, future.body.nextOffset], [0, 1]);
    assert.equal((await api(base, 'GET', '/api/topics/console-orders/messages?partition=7')).status, 404);

    const detail = await api(base, 'GET', '/api/topics/console-orders');
    assert.deepEqual(detail.body.partitions.map((p: any) => [p.partition, p.leader, p.highWatermark]), [[0, broker.broker.nodeId, 0], [1, broker.broker.nodeId, 1]]);
    const configOf = (topic: any, name: string) => topic.configs.find((c: any) => c.name === name);
    const altered = await api(base, 'PUT', '/api/topics/console-orders/configs', { configs: { 'retention.ms': 60000 } });
    assert.equal(altered.status, 200, JSON.stringify(altered.body));
    assert.deepEqual([configOf(altered.body, 'retention.ms').value, configOf(altered.body, 'retention.ms').isOverride], ['60000', true]);
    const second = await api(base, 'PUT', '/api/topics/console-orders/configs', { configs: { 'segment.ms': '3600000' } });
    assert.equal(configOf(second.body, 'retention.ms').value, '60000', 'an earlier override survives a later change');
    assert.equal(configOf(second.body, 'segment.ms').value, '3600000');
    const reset = await api(base, 'PUT', '/api/topics/console-orders/configs', { configs: { 'retention.ms': null } });
    assert.equal(configOf(reset.body, 'retention.ms').isOverride, false);
    assert.equal(configOf(reset.body, 'segment.ms').value, '3600000');
    const refused = await api(base, 'PUT', '/api/topics/console-orders/configs', { configs: { 'retention.ms': 'soon' } });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error, /refused the config change/);
    const listed = await api(base, 'GET', '/api/topics?search=ORDERS');
    assert.deepEqual(listed.body.map((t: any) => [t.name, t.partitions, t.messages]), [['console-orders', 2, 1]]);
    const overview = await api(base, 'GET', '/api/overview');
    assert.equal(overview.body.brokers.length, 1);
    assert.equal(overview.body.underReplicatedPartitions, 0);
    assert.deepEqual((await api(base, 'GET', '/api/groups')).body, []);

    assert.equal((await api(base, 'POST', '/api/topics', 'name=x', 'application/x-www-form-urlencoded')).status, 415);
    const badJson = await api(base, 'POST', '/api/topics', '{"name":', 'application/json');
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.error, 'request body is not valid JSON');

    assert.equal((await api(base, 'DELETE', '/api/topics/console-orders?confirm=console-orders')).status, 200);
    const gone = await api(base, 'GET', '/api/topics/console-orders');
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error, "topic 'console-orders' does not exist");

    const page = await fetch(`${base}/topics/whatever`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Brook console/);
    assert.equal((await fetch(`${base}/assets/app.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal((await fetch(`${base}/..%2f..%2fetc%2fpasswd`)).status, 404);
  } finally {
    await server.close();
    await client.close();
    await broker.stop();
    removeDir(assets);
    removeDir(broker.dataDir);
  }
});

test('without built pages the console says how to build them', async () => {
  const client = new BrookClusterClient({ bootstrapServers: '127.0.0.1:1' });
  const server = await startConsoleServer({ client, port: 0, assetsDir: tempDir('brook-console-empty-') });
  try {
    const res = await fetch(`${server.url}/`);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build/);
  } finally {
    await server.close();
  }
});
