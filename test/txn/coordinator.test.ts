/** The transaction coordinator's state machine, with a fake state log, marker writer and clock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { createLogger } from '../../src/log/logger.js';
import type { TransactionLogValue } from '../../src/protocol/generated/data/transaction-log-value.js';
import { TransactionCoordinator, type TopicPartition } from '../../src/txn/coordinator.js';
import type { Marker } from '../../src/txn/markers.js';
import { defaultTxnSettings } from '../../src/txn/settings.js';
import { decodeValue, encodeValue } from '../../src/txn/txn-log.js';

class World {
  nowMs = 1_000_000;
  /** The state log as bytes, the way __transaction_state holds it. */
  records: { id: string; value: Buffer | null }[] = [];
  markers: { tp: TopicPartition; marker: Marker }[] = [];
  nextProducerId = 1000;
  failMarkers = false;

  coordinator(): TransactionCoordinator {
    return new TransactionCoordinator({
      writeState: async (id, value) => {
        this.records.push({ id, value: value ? encodeValue(value) : null });
      },
      loadState: async (replay) => {
        for (const r of this.records) replay(r.id, r.value ? decodeValue(r.value) : null);
      },
      writeMarker: async (tp, marker) => {
        if (this.failMarkers) throw new Error('disk on fire');
        this.markers.push({ tp, marker });
      },
      allocateProducerId: async () => this.nextProducerId++,
      settings: { ...defaultTxnSettings, maxTimeoutMs: 60_000, transactionalIdExpirationMs: 3_600_000 },
      clock: () => this.nowMs,
      logger: createLogger({ level: 'silent' }),
    });
  }

  lastState(id: string): TransactionLogValue | null {
    const r = this.records.filter((x) => x.id === id).at(-1);
    return r?.value ? decodeValue(r.value) : null;
  }
}

const tp = (topic: string, partition = 0) => ({ topic, partition });

test('init, add partitions, commit: markers go to every partition with the current epoch', async () => {
  const w = new World();
  const c = w.coordinator();
  const init = await c.initProducerId('tx', 30_000);
  assert.deepEqual(init, { errorCode: 0, producerId: 1000, producerEpoch: 0 });
  assert.equal(await c.addPartitions('tx', 1000, 0, [tp('a'), tp('b', 1)]), ErrorCode.NONE);
  assert.equal(c.describe('tx')!.state, 'Ongoing');
  assert.equal(await c.addPartitions('tx', 1000, 0, [tp('a')]), ErrorCode.NONE, 'adding again is a no-op');
  assert.equal(await c.endTxn('tx', 1000, 0, true), ErrorCode.NONE);
  assert.deepEqual(w.markers.map((m) => [m.tp.topic, m.tp.partition, m.marker.commit, m.marker.producerEpoch]), [['a', 0, true, 0], ['b', 1, true, 0]]);
  assert.equal(c.describe('tx')!.state, 'CompleteCommit');
  assert.deepEqual(w.records.map((r) => decodeValue(r.value!).transactionStatus), [0, 1, 2, 4]);
  // Retrying the commit is fine; aborting a committed transaction is not; neither is an Empty one.
  assert.equal(await c.endTxn('tx', 1000, 0, true), ErrorCode.NONE);
  assert.equal(await c.endTxn('tx', 1000, 0, false), ErrorCode.INVALID_TXN_STATE);
  assert.equal(await c.endTxn('tx', 999, 0, true), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  assert.equal(await c.endTxn('nope', 1000, 0, true), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
});

test('a second producer fences the first; its open transaction is aborted with a bumped epoch', async () => {
  const w = new World();
  const c = w.coordinator();
  await c.initProducerId('tx', 30_000);
  await c.addPartitions('tx', 1000, 0, [tp('a')]);
  assert.equal((await c.initProducerId('tx', 30_000)).errorCode, ErrorCode.CONCURRENT_TRANSACTIONS);
  assert.deepEqual(w.markers.map((m) => [m.marker.commit, m.marker.producerEpoch]), [[false, 1]]);
  const again = await c.initProducerId('tx', 30_000);
  assert.deepEqual(again, { errorCode: 0, producerId: 1000, producerEpoch: 2 });
  // The zombie (epoch 0) is fenced everywhere.
  assert.equal(await c.addPartitions('tx', 1000, 0, [tp('a')]), ErrorCode.PRODUCER_FENCED);
  assert.equal(await c.endTxn('tx', 1000, 0, true), ErrorCode.PRODUCER_FENCED);
});

test('a transaction open past its timeout is aborted and its producer fenced (injected clock)', async () => {
  const w = new World();
  const c = w.coordinator();
  await c.initProducerId('slow', 5_000);
  await c.addPartitions('slow', 1000, 0, [tp('a', 2)]);
  w.nowMs += 4_999;
  await c.runTimeouts();
  assert.equal(c.describe('slow')!.state, 'Ongoing');
  w.nowMs += 1;
  await c.runTimeouts();
  assert.equal(c.describe('slow')!.state, 'CompleteAbort');
  assert.deepEqual(w.markers.map((m) => [m.tp.partition, m.marker.commit, m.marker.producerEpoch]), [[2, false, 1]]);
  assert.equal(await c.endTxn('slow', 1000, 0, true), ErrorCode.PRODUCER_FENCED);
});

test('transaction timeouts beyond transaction.max.timeout.ms are refused; no transactional id means an idempotent producer', async () => {
  const c = new World().coordinator();
  assert.equal((await c.initProducerId('tx', 60_001)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  assert.equal((await c.initProducerId('tx', 0)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  const a = await c.initProducerId(null, 0);
  const b = await c.initProducerId(null, 0);
  assert.equal(a.producerEpoch, 0);
  assert.notEqual(a.producerId, b.producerId);
});

test('KIP-360: a producer recovers with its current epoch, a lost bump is answered again, others are fenced', async () => {
  const w = new World();
  const c = w.coordinator();
  await c.initProducerId('tx', 30_000); // epoch 0
  const bumped = await c.initProducerId('tx', 30_000, 1000, 0);
  assert.deepEqual(bumped, { errorCode: 0, producerId: 1000, producerEpoch: 1 });
  // The same request again (its answer was lost): epoch 1 is returned, not 2.
  assert.deepEqual(await c.initProducerId('tx', 30_000, 1000, 0), { errorCode: 0, producerId: 1000, producerEpoch: 1 });
  assert.equal((await c.initProducerId('tx', 30_000, 1000, 7)).errorCode, ErrorCode.PRODUCER_FENCED);
  assert.equal((await c.initProducerId('tx', 30_000, 55, 1)).errorCode, ErrorCode.PRODUCER_FENCED);
});

test('an exhausted epoch rotates to a new producer id', async () => {
  const w = new World();
  const c = w.coordinator();
  await c.initProducerId('tx', 30_000);
  // Fake a long life: the stored epoch is at the limit.
  w.records.push({ id: 'tx', value: encodeValue({ ...w.lastState('tx')!, producerEpoch: 32766 }) });
  const reloaded = w.coordinator();
  const next = await reloaded.initProducerId('tx', 30_000);
  assert.equal(next.producerId, 1001);
  assert.equal(next.producerEpoch, 0);
  assert.equal(reloaded.describe('tx')!.previousProducerId, 1000);
});

test('state is recovered from the log; a transaction caught in PrepareCommit is completed on load', async () => {
  const w = new World();
  const c = w.coordinator();
  await c.initProducerId('tx', 30_000);
  await c.addPartitions('tx', 1000, 0, [tp('a'), tp('b')]);
  w.failMarkers = true;
  assert.equal(await c.endTxn('tx', 1000, 0, true), ErrorCode.COORDINATOR_NOT_AVAILABLE);
  assert.equal(c.describe('tx')!.state, 'PrepareCommit');
  assert.equal(await c.endTxn('tx', 1000, 0, true), ErrorCode.CONCURRENT_TRANSACTIONS);

  w.failMarkers = false;
  const restarted = w.coordinator();
  await restarted.ensureLoaded();
  assert.equal(restarted.describe('tx')!.state, 'CompleteCommit');
  assert.deepEqual(w.markers.map((m) => [m.tp.topic, m.marker.commit]), [['a', true], ['b', true]]);
  assert.equal(await restarted.endTxn('tx', 1000, 0, true), ErrorCode.NONE);
  const ongoing = w.coordinator();
  await ongoing.ensureLoaded();
  assert.equal((await ongoing.initProducerId('tx', 30_000)).producerEpoch, 1);
});

test('idle transactional ids expire with a tombstone', async () => {
  const w = new World();
  const c = w.coordinator();
  await c.initProducerId('old', 30_000);
  w.nowMs += 3_600_000;
  await c.runTimeouts();
  assert.equal(c.describe('old'), undefined);
  assert.equal(w.records.at(-1)!.value, null);
  const reloaded = w.coordinator();
  await reloaded.ensureLoaded();
  assert.equal(reloaded.describe('old'), undefined);
});
