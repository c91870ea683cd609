import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ProducerStateManager, inSequence, type ProducerBatch } from '../../src/txn/producer-state.js';

function batch(over: Partial<ProducerBatch> = {}): ProducerBatch {
  const baseSequence = over.baseSequence ?? 0;
  const recordCount = over.recordCount ?? 1;
  return { producerId: 7, producerEpoch: 0, baseSequence, lastSequence: baseSequence + recordCount - 1, recordCount, transactional: false, maxTimestampMs: 1000, ...over };
}

test('a new producer id is accepted with any sequence (KIP-360), then sequences must follow', () => {
  const s = new ProducerStateManager();
  assert.equal(s.check(batch({ baseSequence: 42 })).kind, 'append');
  s.appended(batch({ baseSequence: 42 }), 0, null);
  assert.equal(s.check(batch({ baseSequence: 43 })).kind, 'append');
  const gap = s.check(batch({ baseSequence: 45 }));
  assert.equal(gap.kind, 'error');
  assert.equal(gap.kind === 'error' && gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
});

test('a retry of any of the last 5 batches is a duplicate with its original offsets; older ones are out of order', () => {
  const s = new ProducerStateManager();
  for (let i = 0; i < 7; i++) s.appended(batch({ baseSequence: i * 2, recordCount: 2 }), 100 + i * 2, null);
  for (let i = 2; i < 7; i++) {
    const r = s.check(batch({ baseSequence: i * 2, recordCount: 2 }));
    assert.deepEqual(r.kind === 'duplicate' && [r.firstOffset, r.lastOffset], [100 + i * 2, 101 + i * 2]);
  }
  const old = s.check(batch({ baseSequence: 2, recordCount: 2 }));
  assert.equal(old.kind === 'error' && old.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
});

test('epochs: older epoch is INVALID_PRODUCER_EPOCH, a new epoch must start at sequence 0', () => {
  const s = new ProducerStateManager();
  s.appended(batch({ producerEpoch: 3, baseSequence: 0 }), 0, null);
  const stale = s.check(batch({ producerEpoch: 2, baseSequence: 1 }));
  assert.equal(stale.kind === 'error' && stale.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  const badStart = s.check(batch({ producerEpoch: 4, baseSequence: 5 }));
  assert.equal(badStart.kind === 'error' && badStart.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.equal(s.check(batch({ producerEpoch: 4, baseSequence: 0 })).kind, 'append');
  s.appended(batch({ producerEpoch: 4, baseSequence: 0 }), 1, null);
  // The old epoch's batches are forgotten: a retry of seq 0 at epoch 4 is a duplicate of the new one.
  const dup = s.check(batch({ producerEpoch: 4, baseSequence: 0 }));
  assert.equal(dup.kind === 'duplicate' && dup.firstOffset, 1);
});

test('sequence wraps from Int32.MAX to 0', () => {
  assert.ok(inSequence(0x7fffffff, 0));
  assert.ok(!inSequence(0x7fffffff, 1));
  assert.ok(inSequence(-1, 0));
});

test('transactions bound the last stable offset; aborts are indexed; commits are not', () => {
  const s = new ProducerStateManager();
  s.appended(batch({ producerId: 1, transactional: true }), 10, null);
  s.appended(batch({ producerId: 2, transactional: true }), 12, null);
  s.appended(batch({ producerId: 1, transactional: true, baseSequence: 1 }), 14, null);
  assert.equal(s.lastStableOffset(20), 10);
  // Kafka's lastStableOffset of an aborted txn: the first offset of another open transaction.
  assert.deepEqual(s.markerAppended(1, 0, false, 0, 15, 1000), { producerId: 1, firstOffset: 10, lastOffset: 15, lastStableOffset: 12 });
  assert.equal(s.lastStableOffset(20), 12);
  assert.equal(s.markerAppended(2, 0, true, 0, 16, 1000), null);
  assert.equal(s.lastStableOffset(20), 20);
});

test('a non-transactional write during an open transaction is INVALID_TXN_STATE', () => {
  const s = new ProducerStateManager();
  s.appended(batch({ transactional: true }), 0, null);
  const r = s.check(batch({ baseSequence: 1 }));
  assert.equal(r.kind === 'error' && r.errorCode, ErrorCode.INVALID_TXN_STATE);
});

test('a marker with a bumped epoch fences the old epoch; the new epoch starts at 0', () => {
  const s = new ProducerStateManager();
  s.appended(batch({ transactional: true, baseSequence: 0 }), 0, null);
  s.markerAppended(7, 1, false, 0, 1, 1000);
  const zombie = s.check(batch({ producerEpoch: 0, baseSequence: 1, transactional: true }));
  assert.equal(zombie.kind === 'error' && zombie.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  assert.ok(!s.markerEpochValid(7, 0));
  const gap = s.check(batch({ producerEpoch: 1, baseSequence: 3 }));
  assert.equal(gap.kind === 'error' && gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.equal(s.check(batch({ producerEpoch: 1, baseSequence: 0 })).kind, 'append');
});

test('idle producers without an open transaction expire', () => {
  const s = new ProducerStateManager();
  s.appended(batch({ producerId: 1, maxTimestampMs: 0 }), 0, null);
  s.appended(batch({ producerId: 2, maxTimestampMs: 0, transactional: true }), 1, null);
  s.expireProducers(10_000, 5_000);
  assert.equal(s.producers.has(1), false);
  assert.equal(s.producers.has(2), true);
});
