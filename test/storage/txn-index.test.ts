import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TxnIndex, TXN_INDEX_ENTRY_BYTES, collectAbortedTxns, type AbortedTxnEntry } from '../../src/storage/txn-index.js';

const entry = (producerId: number, firstOffset: number, lastOffset: number, lastStableOffset = lastOffset + 1): AbortedTxnEntry => ({
  producerId,
  firstOffset,
  lastOffset,
  lastStableOffset,
});

test('entries are 34 bytes (version, producerId, first, last, LSO) and round-trip; a partial tail is dropped', () => {
  const bytes = TxnIndex.encode([entry(7, 10, 15, 12), entry(2 ** 40, 20, 21)]);
  assert.equal(bytes.length, 2 * TXN_INDEX_ENTRY_BYTES);
  assert.equal(bytes.readInt16BE(0), 0);
  assert.equal(bytes.readBigInt64BE(2), 7n);
  assert.equal(bytes.readBigInt64BE(10), 10n);
  assert.equal(bytes.readBigInt64BE(18), 15n);
  assert.equal(bytes.readBigInt64BE(26), 12n);
  const back = TxnIndex.decode(Buffer.concat([bytes, Buffer.alloc(10)]));
  assert.equal(back.intact, false);
  assert.deepEqual(back.index.entries, [entry(7, 10, 15, 12), entry(2 ** 40, 20, 21)]);
  assert.equal(back.index.hasUnwritten, false);
});

test('append ignores entries not after the last; truncateFrom drops markers past a cut', () => {
  const index = new TxnIndex();
  assert.ok(index.append(entry(1, 0, 5)));
  assert.ok(!index.append(entry(1, 0, 5)));
  assert.ok(!index.append(entry(2, 0, 3)));
  assert.ok(index.append(entry(2, 6, 9)));
  assert.equal(index.unwritten()!.bytes.length, 2 * TXN_INDEX_ENTRY_BYTES);
  index.markWritten(2);
  assert.equal(index.unwritten(), null);
  assert.ok(index.truncateFrom(9));
  assert.deepEqual(index.entries, [entry(1, 0, 5)]);
  assert.ok(!index.truncateFrom(9));
});

test('collect finds the overlapping aborted transactions among many and stops at an LSO past the range', () => {
  // Transaction i of producer i: data at [10i, 10i+5], abort marker at 10i+6; one long one from 5 to 1005.
  const indexes = [new TxnIndex(), new TxnIndex()];
  for (let i = 0; i < 100; i++) indexes[i < 50 ? 0 : 1]!.append(entry(i, 10 * i, 10 * i + 6, 5));
  indexes[1]!.append(entry(500, 5, 1005, 1006));
  const ids = (from: number, to: number) => collectAbortedTxns(indexes, from, to).map((t) => t.producerId).sort((a, b) => a - b);
  assert.deepEqual(ids(503, 520), [50, 51, 500]);
  assert.deepEqual(ids(997, 2000), [500]);
  assert.deepEqual(ids(1006, 2000), []);
  // An entry whose LSO is at or past the upper bound ends the search: later segments are not looked at.
  const first = new TxnIndex();
  first.append(entry(1, 0, 4, 100));
  const later = new TxnIndex();
  later.append(entry(2, 50, 60, 61));
  assert.deepEqual(collectAbortedTxns([first, later], 0, 55).map((t) => t.producerId), [1]);
  assert.deepEqual(collectAbortedTxns([first, later], 0, 101).map((t) => t.producerId), [1, 2]);
});
