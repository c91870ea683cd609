/**
 * connection_creation_rate quotas of ip entities (KIP-612): the rate per IP, AlterClientQuotas'
 * checks for ip entities, and a live broker refusing an IP's connections over its rate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { QuotaStore, CONNECTION_CREATION_RATE } from '../../src/security/quota-store.js';
import { ConnectionRates } from '../../src/security/connection-rate.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { RawClient } from '../helpers/raw-client.js';
import { removeDir, startTestBroker } from '../helpers/broker.js';

const ipQuota = (ip: string | null, rate: number | null) => ({ entity: new Map([['ip', ip]]), set: new Map([[CONNECTION_CREATION_RATE, rate]]) });

test('connection_creation_rate: the IP quota, else the default ip quota, each IP its own rate', async () => {
  const store = new QuotaStore(null);
  let nowMs = 0;
  const rates = new ConnectionRates(store, { samples: 2, windowMs: 1000 }, () => nowMs);
  assert.equal(rates.tryRecord('10.0.0.1'), true); // no quota: nothing counted
  await store.apply([ipQuota('10.0.0.1', 2), ipQuota(null, 1)]);
  // 2/s with a one-window burst: two at once, the third refused (and not counted).
  assert.deepEqual([1, 2, 3].map(() => rates.tryRecord('::ffff:10.0.0.1')), [true, true, false]);
  nowMs = 400;
  assert.equal(rates.tryRecord('10.0.0.1'), false);
  nowMs = 500;
  assert.equal(rates.tryRecord('10.0.0.1'), true);
  // Others get the default, 1/s each.
  assert.deepEqual([rates.tryRecord('10.0.0.2'), rates.tryRecord('10.0.0.2'), rates.tryRecord('10.0.0.3')], [true, false, true]);
  await store.apply([ipQuota('10.0.0.1', null), ipQuota(null, null)]);
  assert.equal(rates.tryRecord('10.0.0.2'), true);
});

/** 'answered' when an ApiVersions request over a new connection gets an answer, else 'closed'. */
function tryConnection(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(Buffer.from([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0xff, 0xff])));
    socket.once('data', () => (resolve('answered'), socket.destroy()));
    socket.once('error', () => resolve('closed'));
    socket.once('close', () => resolve('closed'));
  });
}

test('a live broker refuses connections from an IP over its connection_creation_rate', async () => {
  const broker = await startTestBroker({ storage: 'memory', config: { 'quota.window.num': '2', 'quota.window.size.seconds': '1' } });
  const admin = await RawClient.connect(broker.port);
  try {
    const alter = (entity: { entityType: string; entityName: string | null }[], key: string) =>
      admin.request(49, 1, { validateOnly: false, entries: [{ entity, ops: [{ key, value: 2, remove: false }] }] });
    const invalid = [
      await alter([{ entityType: 'ip', entityName: '127.0.0.1' }], 'producer_byte_rate'),
      await alter([{ entityType: 'ip', entityName: 'not-an-ip' }], CONNECTION_CREATION_RATE),
      await alter([{ entityType: 'ip', entityName: null }, { entityType: 'user', entityName: 'alice' }], CONNECTION_CREATION_RATE),
      await alter([{ entityType: 'user', entityName: 'alice' }], CONNECTION_CREATION_RATE),
    ];
    assert.deepEqual(invalid.map((r) => r.entries[0].errorCode), [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    const ok = await alter([{ entityType: 'ip', entityName: '127.0.0.1' }], CONNECTION_CREATION_RATE);
    assert.equal(ok.entries[0].errorCode, ErrorCode.NONE);
    const described = await admin.request(48, 1, { components: [{ entityType: 'ip', matchType: 0, match: '127.0.0.1' }], strict: true });
    assert.deepEqual(described.entries[0].values, [{ key: CONNECTION_CREATION_RATE, value: 2 }]);
    // 2/s, a burst of one 1 s window: of 6 connections at once about 2 get in.
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => tryConnection(broker.port)));
    const answered = results.filter((r) => r === 'answered').length;
    assert.ok(answered >= 2 && answered <= 3, results.join(','));
    // The admin connection, made before the quota, goes on.
    const again = await admin.request(48, 1, { components: [], strict: false });
    assert.equal(again.errorCode, ErrorCode.NONE);
  } finally {
    admin.close();
    await broker.stop();
    removeDir(broker.dataDir);
  }
});

test('max.connection.creation.rate: connections beyond the rate wait before they are served', async () => {
  const broker = await startTestBroker({
    storage: 'memory',
    config: { 'max.connection.creation.rate': '5', 'quota.window.num': '2', 'quota.window.size.seconds': '1' },
  });
  try {
    // 5/s with a one-window burst: 5 served at once, the next 5 at 200 ms intervals.
    const startMs = performance.now();
    const answeredAfterMs = await Promise.all(
      Array.from({ length: 10 }, async () => {
        assert.equal(await tryConnection(broker.port), 'answered');
        return performance.now() - startMs;
      }),
    );
    answeredAfterMs.sort((a, b) => a - b);
    assert.ok(answeredAfterMs[0]! < 500, answeredAfterMs.join(','));
    assert.ok(answeredAfterMs[9]! >= 800, answeredAfterMs.join(','));
    assert.ok(answeredAfterMs[9]! < 5000, answeredAfterMs.join(','));
  } finally {
    await broker.stop();
    removeDir(broker.dataDir);
  }
});
