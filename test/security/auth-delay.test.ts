/**
 * connection.failed.authentication.delay.ms: a failed SASL login is answered only after the
 * delay, then the connection closes; many failed logins at once do not slow other clients.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { removeDir, startTestBroker, type TestBroker } from '../helpers/broker.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { RawClient } from '../helpers/raw-client.js';
import { authenticate, handshake, saslConnect } from './sasl-client.js';

const DELAY_MS = 1000;
let broker: TestBroker;

before(async () => {
  broker = await startTestBroker({
    storage: 'memory',
    config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'PLAIN',
      'sasl.plain.users': 'admin:admin-secret',
      'connection.failed.authentication.delay.ms': String(DELAY_MS),
    },
  });
});

after(async () => {
  await broker.stop();
  removeDir(broker.dataDir);
});

async function failedLogin(): Promise<{ elapsedMs: number; errorCode: number; closed: Promise<void> }> {
  const client = await RawClient.connect(broker.port);
  const closed = new Promise<void>((resolve) => client.onClose(resolve));
  assert.equal(await handshake(client, 'PLAIN'), ErrorCode.NONE);
  const start = performance.now();
  const result = await authenticate(client, Buffer.from('\u0000admin\u0000wrong'));
  return { elapsedMs: performance.now() - start, errorCode: result.errorCode, closed };
}

test('a failed login is answered after the delay, then the connection is closed', async () => {
  const { elapsedMs, errorCode, closed } = await failedLogin();
  assert.equal(errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  assert.ok(elapsedMs >= DELAY_MS - 20, `answered after ${elapsedMs} ms`);
  await closed;
  // A good login is not delayed.
  const start = performance.now();
  const { client, result } = await saslConnect(broker.port, 'PLAIN', 'admin', 'admin-secret');
  assert.equal(result.errorCode, ErrorCode.NONE);
  assert.ok(performance.now() - start < DELAY_MS, 'a successful login waited');
  client.close();
});

test('a client that disconnects during the delay is closed at once (its timer is cleared)', async () => {
  const client = await RawClient.connect(broker.port);
  assert.equal(await handshake(client, 'PLAIN'), ErrorCode.NONE);
  const before = broker.broker.connectionCount;
  void authenticate(client, Buffer.from('\u0000admin\u0000wrong')).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 50));
  client.close();
  const deadline = performance.now() + DELAY_MS / 2;
  while (broker.broker.connectionCount >= before && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(broker.broker.connectionCount < before, 'the connection outlived its client');
});

test('1,000 failed logins at once do not slow another client', async () => {
  const { client } = await saslConnect(broker.port, 'PLAIN', 'admin', 'admin-secret');
  const latencies: number[] = [];
  let attacking = true;
  const probe = (async () => {
    while (attacking) {
      const start = performance.now();
      const metadata = await client.request(3, 1, { topics: null });
      assert.equal(metadata.brokers.length, 1);
      latencies.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const start = performance.now();
  const results = await Promise.all(Array.from({ length: 1000 }, () => failedLogin()));
  const totalMs = performance.now() - start;
  attacking = false;
  await probe;
  client.close();
  assert.ok(results.every((r) => r.errorCode === ErrorCode.SASL_AUTHENTICATION_FAILED));
  assert.ok(results.every((r) => r.elapsedMs >= DELAY_MS - 20));
  await Promise.all(results.map((r) => r.closed));
  // The delays overlap (1,000 in a row would take 1,000 s) and the other client keeps its pace.
  assert.ok(totalMs < 20_000, `1,000 failed logins took ${totalMs} ms`);
  assert.ok(latencies.length >= 3, `only ${latencies.length} probes`);
  const worstMs = Math.max(...latencies);
  assert.ok(worstMs < DELAY_MS, `a Metadata request took ${worstMs} ms during the attack`);
});
