import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBatch, decodeBatches } from '../../src/records/record-batch.js';
import { ControlRecordType, encodeTransactionMarker } from '../../src/records/control-record.js';
import { abortedBatchFilter } from '../../src/client/aborted-filter.js';

const data = (baseOffset: number, producerId: number, transactional: boolean) =>
  encodeBatch({ baseOffset, producerId, producerEpoch: 0, baseSequence: 0, transactional, records: [{ key: null, value: Buffer.from(`${baseOffset}`), timestampMs: 1 }] });
const marker = (baseOffset: number, producerId: number, type: typeof ControlRecordType.Abort | typeof ControlRecordType.Commit) =>
  encodeBatch({ baseOffset, producerId, producerEpoch: 0, transactional: true, isControl: true, records: [{ ...encodeTransactionMarker(type, 0), timestampMs: 1 }] });

test('read_committed skips a producer from its aborted transaction start to its ABORT marker, and all control batches', () => {
  const log = Buffer.concat([
    data(0, 7, true), // aborted txn of producer 7
    data(1, 8, true), // committed txn of producer 8
    data(2, 9, false), // not transactional
    marker(3, 7, ControlRecordType.Abort),
    marker(4, 8, ControlRecordType.Commit),
    data(5, 7, true), // producer 7's next transaction: not aborted
  ]);
  const skip = abortedBatchFilter([{ producerId: 7, firstOffset: 0 }]);
  const kept = decodeBatches(log).filter((b) => !skip(b)).map((b) => b.baseOffset);
  assert.deepEqual(kept, [1, 2, 5]);
  const none = abortedBatchFilter(null);
  assert.deepEqual(decodeBatches(log).filter((b) => !none(b)).map((b) => b.baseOffset), [0, 1, 2, 5]);
});
