/** Sequence bookkeeping of the idempotent producer: assignment, the in-flight bound, ordered resends, restart after an epoch bump. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addSequence, PartitionSequences, SequenceBook, type SequencedBatch } from '../../src/client/sequences.js';

function batch(count: number): SequencedBatch {
  return { baseSequence: -1, records: { length: count }, onWire: false };
}

test('sequences are assigned in send order, each batch advancing by its record count, wrapping at Int32.MAX', () => {
  const p = new PartitionSequences<SequencedBatch>();
  const a = batch(3);
  const b = batch(2);
  p.assign(a);
  p.assign(b);
  assert.deepEqual([a.baseSequence, b.baseSequence, p.nextSequence], [0, 3, 5]);
  assert.equal(addSequence(0x7fffffff - 1, 3), 1);
  assert.equal(addSequence(0x7fffffff, 1), 0);
  assert.equal(addSequence(10, 5), 15);
});

test('at most maxInFlight unacknowledged batches; a batch waiting to be resent blocks new ones', () => {
  const p = new PartitionSequences<SequencedBatch>();
  const sent = Array.from({ length: 5 }, () => batch(1));
  for (const b of sent) {
    assert.ok(p.canSendNew(5));
    p.assign(b);
    b.onWire = true;
  }
  assert.equal(p.canSendNew(5), false, 'five unacknowledged');
  p.remove(sent[0]!);
  assert.ok(p.canSendNew(5));
  sent[2]!.onWire = false; // its request failed: it waits to be resent
  assert.equal(p.resending, true);
  assert.equal(p.canSendNew(5), false, 'new batches wait while resends are owed');
});

test('resends go one at a time, oldest first, with nothing else of the partition on the wire', () => {
  const p = new PartitionSequences<SequencedBatch>();
  const [a, b, c] = [batch(1), batch(1), batch(1)];
  for (const x of [a, b, c]) p.assign(x);
  // The connection dropped: all three wait to be resent.
  assert.equal(p.canResend(b), false, 'b is not the oldest');
  assert.ok(p.canResend(a));
  a.onWire = true;
  assert.equal(p.canResend(b), false, 'a is still on the wire');
  a.onWire = false;
  p.remove(a); // acknowledged
  assert.ok(p.canResend(b));
  assert.ok(p.isOldest(b));
  assert.equal(p.isOldest(c), false);
});

test('an epoch bump renumbers the batches still owed from 0, in their order', () => {
  const book = new SequenceBook<SequencedBatch>();
  const p = book.of('t\0' + 0);
  const [a, b, c] = [batch(2), batch(3), batch(1)];
  for (const x of [a, b, c]) p.assign(x);
  p.remove(a);
  b.onWire = true;
  assert.equal(book.anyOnWire, true);
  b.onWire = false;
  const owed = book.restartAll();
  assert.deepEqual(owed, [b, c]);
  assert.deepEqual([b.baseSequence, c.baseSequence], [0, 3]);
  assert.equal(book.of('t\0' + 0).nextSequence, 4);
  const other = book.of('t\0' + 1);
  other.assign(batch(1));
  other.remove(other.unacked[0]!);
  book.restartAll();
  assert.equal(book.of('t\0' + 1).nextSequence, 0, 'an idle partition restarts at 0 as well');
});
