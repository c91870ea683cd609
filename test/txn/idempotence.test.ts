/** Idempotent produce on the wire: dedup, sequence and epoch errors, and dedup across restarts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, startChildBroker, freePort, removeDir, tempDir } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { fetchAll, initProducerId, produce, producerBatch } from './wire.js';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

test('a retried batch is answered with its original offset and stored once; gaps and stale epochs are refused', async () => {
  const broker = await startTestBroker({ storage: 'memory' });
  const client = await RawClient.connect(broker.port);
  try {
    const a = await initProducerId(client);
    const b = await initProducerId(client);
    assert.equal(a.errorCode, ErrorCode.NONE);
    assert.equal(a.producerEpoch, 0);
    assert.notEqual(a.producerId, b.producerId);
    const p = { producerId: a.producerId, producerEpoch: 0 };

    const first = await produce(client, 'idem', producerBatch(['a', 'b'], { ...p, baseSequence: 0 }));
    const second = await produce(client, 'idem', producerBatch(['c'], { ...p, baseSequence: 2 }));
    assert.deepEqual([first.errorCode, first.baseOffset, second.baseOffset], [0, 0, 2]);
    // Retries of both (as after a lost response) answer the original offsets and append nothing.
    assert.deepEqual([(await produce(client, 'idem', producerBatch(['a', 'b'], { ...p, baseSequence: 0 }))).baseOffset], [0]);
    assert.deepEqual([(await produce(client, 'idem', producerBatch(['c'], { ...p, baseSequence: 2 }))).baseOffset], [2]);
    assert.deepEqual((await fetchAll(client, 'idem')).values, ['a', 'b', 'c']);

    const gap = await produce(client, 'idem', producerBatch(['x'], { ...p, baseSequence: 5 }));
    assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    // A bumped epoch starts over at 0; then the old epoch is stale.
    assert.equal((await produce(client, 'idem', producerBatch(['d'], { producerId: a.producerId, producerEpoch: 1, baseSequence: 0 }))).errorCode, 0);
    const stale = await produce(client, 'idem', producerBatch(['e'], { ...p, baseSequence: 3 }));
    assert.equal(stale.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
    assert.deepEqual((await fetchAll(client, 'idem')).values, ['a', 'b', 'c', 'd']);
  } finally {
    client.close();
    await broker.stop();
  }
});

test('many pipelined requests from one producer keep their order and dedup', async () => {
  const broker = await startTestBroker({ storage: 'memory' });
  const client = await RawClient.connect(broker.port);
  try {
    const { producerId } = await initProducerId(client);
    const sends = [];
    for (let i = 0; i < 20; i++) sends.push(produce(client, 'pipe', producerBatch([`v${i}`], { producerId, producerEpoch: 0, baseSequence: i })));
    for (let i = 15; i < 20; i++) sends.push(produce(client, 'pipe', producerBatch([`v${i}`], { producerId, producerEpoch: 0, baseSequence: i })));
    const answers = await Promise.all(sends);
    assert.deepEqual(answers.map((a) => a.baseOffset), [...Array.from({ length: 20 }, (_, i) => i), 15, 16, 17, 18, 19]);
    assert.equal((await fetchAll(client, 'pipe')).values.length, 20);
  } finally {
    client.close();
    await broker.stop();
  }
});

test('dedup and producer id allocation survive a clean restart', async () => {
  const dataDir = tempDir();
  try {
    let broker = await startTestBroker({ dataDir });
    let client = await RawClient.connect(broker.port);
    const { producerId } = await initProducerId(client);
    const p = { producerId, producerEpoch: 0 };
    for (let i = 0; i < 3; i++) await produce(client, 'restart', producerBatch([`v${i}`], { ...p, baseSequence: i }));
    assert.equal(broker.broker.topics.get('__transaction_state'), undefined, 'idempotent producers do not create the transaction log');
    assert.equal(readFileSync(path.join(dataDir, 'producer-id-block'), 'utf8'), '1000\n', 'the next block start, persisted in the data dir');
    client.close();
    await broker.stop();

    broker = await startTestBroker({ dataDir });
    client = await RawClient.connect(broker.port);
    try {
      assert.equal((await produce(client, 'restart', producerBatch(['v2'], { ...p, baseSequence: 2 }))).baseOffset, 2);
      assert.equal((await produce(client, 'restart', producerBatch(['v3'], { ...p, baseSequence: 3 }))).baseOffset, 3);
      assert.equal((await produce(client, 'restart', producerBatch(['v9'], { ...p, baseSequence: 9 }))).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
      assert.deepEqual((await fetchAll(client, 'restart')).values, ['v0', 'v1', 'v2', 'v3']);
      const next = await initProducerId(client);
      assert.ok(next.producerId > producerId, `producer id ${next.producerId} was handed out again`);
      assert.ok(!existsSync(path.join(dataDir, '__transaction_state-0')));
      const transactional = await initProducerId(client, 'tx-creates-the-log');
      assert.equal(transactional.errorCode, ErrorCode.NONE);
      assert.ok(transactional.producerId > next.producerId);
      assert.ok(broker.broker.topics.get('__transaction_state'), 'a transactional producer creates it');
    } finally {
      client.close();
      await broker.stop();
    }
  } finally {
    removeDir(dataDir);
  }
});

test('dedup survives kill -9 (state rebuilt from the log)', async () => {
  const dataDir = tempDir();
  const port = await freePort();
  try {
    const first = await startChildBroker(dataDir, port);
    let client = await RawClient.connect(port);
    const { producerId } = await initProducerId(client);
    const p = { producerId, producerEpoch: 0 };
    for (let i = 0; i < 4; i++) await produce(client, 'kill9', producerBatch([`v${i}`], { ...p, baseSequence: i }));
    client.close();
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startChildBroker(dataDir, port);
    client = await RawClient.connect(port);
    try {
      assert.equal((await produce(client, 'kill9', producerBatch(['v3'], { ...p, baseSequence: 3 }))).baseOffset, 3);
      assert.equal((await produce(client, 'kill9', producerBatch(['v1'], { ...p, baseSequence: 1 }))).baseOffset, 1);
      assert.equal((await produce(client, 'kill9', producerBatch(['v4'], { ...p, baseSequence: 4 }))).baseOffset, 4);
      assert.deepEqual((await fetchAll(client, 'kill9')).values, ['v0', 'v1', 'v2', 'v3', 'v4']);
      const next = await initProducerId(client);
      assert.ok(next.producerId > producerId);
    } finally {
      client.close();
      second.child.kill('SIGKILL');
      await second.exited;
    }
  } finally {
    removeDir(dataDir);
  }
});
