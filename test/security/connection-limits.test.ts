/** max.connections.per.ip and its overrides. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionLimits, parseConnectionOverrides } from '../../src/security/connection-limits.js';
import { RawClient } from '../helpers/raw-client.js';
import { removeDir, startTestBroker } from '../helpers/broker.js';

test('per-IP counts, overrides, IPv4-mapped addresses', () => {
  const limits = new ConnectionLimits(2, parseConnectionOverrides('10.0.0.9:0, 10.0.0.8:3'));
  assert.equal(limits.tryAcquire('10.0.0.1'), true);
  assert.equal(limits.tryAcquire('::ffff:10.0.0.1'), true);
  assert.equal(limits.tryAcquire('10.0.0.1'), false);
  limits.release('10.0.0.1');
  assert.equal(limits.tryAcquire('10.0.0.1'), true);
  assert.equal(limits.tryAcquire('10.0.0.9'), false);
  for (let i = 0; i < 3; i++) assert.equal(limits.tryAcquire('10.0.0.8'), true);
  assert.equal(limits.tryAcquire('10.0.0.8'), false);
  assert.throws(() => parseConnectionOverrides('nocount'), /host:count/);
});

test('the broker refuses connections over max.connections.per.ip', async () => {
  const broker = await startTestBroker({ storage: 'memory', config: { 'max.connections.per.ip': '2' } });
  try {
    const a = await RawClient.connect(broker.port);
    const b = await RawClient.connect(broker.port);
    assert.equal((await a.request(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })).errorCode, 0);
    await b.request(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    const c = await RawClient.connect(broker.port);
    await assert.rejects(c.request(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' }), /connection closed/);
    a.close();
    const deadline = Date.now() + 5000;
    let d: RawClient | null = null;
    // The slot frees once the broker has seen a's close.
    while (Date.now() < deadline) {
      d = await RawClient.connect(broker.port);
      const ok = await d.request(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' }).then(() => true, () => false);
      if (ok) break;
      d = null;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(d, 'no connection accepted after one closed');
    b.close();
    d.close();
  } finally {
    await broker.stop();
    removeDir(broker.dataDir);
  }
});
