import { after, test } from 'node:test';
import { appendFile, readdir, rm, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { FileLogStore } from '../../src/storage/file/file-store.js';
import { defaultLogConfig, type PartitionLog } from '../../src/storage/types.js';
import { TxnIndex, TXN_INDEX_ENTRY_BYTES } from '../../src/storage/txn-index.js';
import { tempDir } from '../helpers/broker.js';
import assert from 'node:assert/strict';
import { MemoryPartitionLog } from '../../src/storage/memory/memory-partition-log.js';
import { encodeBatch } from '../../src/records/record-batch.js';
import { ControlRecordType, encodeTransactionMarker } from '../../src/records/control-record.js';
import { loadProducerState } from '../../src/txn/producer-state-loader.js';
import { encodeSnapshot, decodeSnapshot, SNAPSHOT_FILE } from '../../src/txn/producer-snapshot.js';
import { ProducerStateManager } from '../../src/txn/producer-state.js';

async function appendData(log: PartitionLog, producerId: number, baseSequence: number, count: number, transactional = false): Promise<void> {
  const records = Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), timestampMs: 1000 }));
  const b = encodeBatch({ records, producerId, producerEpoch: 0, baseSequence, transactional });
  await log.append(b, [{ recordCount: count, maxTimestampMs: 1000 }]);
}

async function appendMarker(log: PartitionLog, producerId: number, commit: boolean): Promise<void> {
  const m = encodeTransactionMarker(commit ? ControlRecordType.Commit : ControlRecordType.Abort, 0);
  const b = encodeBatch({ records: [{ key: m.key, value: m.value, timestampMs: 1000 }], producerId, producerEpoch: 0, baseSequence: -1, transactional: true, isControl: true });
  await log.append(b, [{ recordCount: 1, maxTimestampMs: 1000 }]);
}

test('replay from the log start rebuilds sequences, open transactions and aborted ones', async () => {
  const log = new MemoryPartitionLog('t', 0);
  await appendData(log, 1, 0, 3); // 0-2
  await appendData(log, 1, 3, 2); // 3-4
  await appendData(log, 2, 0, 2, true); // 5-6
  await appendMarker(log, 2, false); // 7
  await appendData(log, 3, 0, 1, true); // 8
  await log.append(encodeBatch({ records: [{ key: null, value: null, timestampMs: 1 }] }), [{ recordCount: 1, maxTimestampMs: 1 }]); // 9, no producer
  const loaded = await loadProducerState(log, () => log.logEndOffset);
  const s = loaded.state;
  assert.equal(loaded.batchesReplayed, 6);
  const dup = s.check({ producerId: 1, producerEpoch: 0, baseSequence: 3, lastSequence: 4, recordCount: 2, transactional: false, maxTimestampMs: 0 });
  assert.equal(dup.kind === 'duplicate' && dup.firstOffset, 3);
  // Producer 3's transaction was not open yet at the abort: the LSO after it is the offset after the marker.
  assert.deepEqual(await log.abortedTxns(0, 10), [{ producerId: 2, firstOffset: 5, lastOffset: 7, lastStableOffset: 8 }]);
  // Replaying again does not index the abort twice.
  await loadProducerState(log, () => log.logEndOffset);
  assert.equal((await log.abortedTxns(0, 10)).length, 1);
  assert.equal(s.lastStableOffset(10), 8);
});

test('a snapshot is used and only the tail after it is replayed; a snapshot beyond the log end is ignored', async () => {
  const log = new MemoryPartitionLog('t', 0);
  await appendData(log, 1, 0, 2);
  const first = await loadProducerState(log, () => log.logEndOffset);
  await log.writeStateFile(SNAPSHOT_FILE, encodeSnapshot(first.state, log.logEndOffset));
  await appendData(log, 1, 2, 2);
  const second = await loadProducerState(log, () => log.logEndOffset);
  assert.equal(second.replayedFromOffset, 2);
  assert.equal(second.batchesReplayed, 1);
  assert.equal(second.state.producers.get(1)!.batches.length, 2);

  await log.writeStateFile(SNAPSHOT_FILE, encodeSnapshot(new ProducerStateManager(), 1000));
  const third = await loadProducerState(log, () => log.logEndOffset);
  assert.equal(third.replayedFromOffset, 0);
  assert.equal(third.state.producers.get(1)!.batches.length, 2);
});

test('snapshot encoding round-trips; garbage decodes to null', () => {
  const s = new ProducerStateManager();
  s.appended({ producerId: 9, producerEpoch: 2, baseSequence: 0, lastSequence: 4, recordCount: 5, transactional: true, maxTimestampMs: 5 }, 40, null);
  const back = decodeSnapshot(encodeSnapshot(s, 45))!;
  assert.equal(back.offset, 45);
  assert.equal(back.state.lastStableOffset(100), 40);
  assert.equal(back.state.producers.get(9)!.batches[0]!.lastOffset, 44);
  assert.equal(decodeSnapshot(Buffer.from('{nope')), null);
  assert.equal(decodeSnapshot(Buffer.from('{"version":99}')), null);
});

test('file store: a missing .txnindex is rebuilt from the markers; an entry past a cut-off tail is dropped', async () => {
  const dataDir = await tempDir();
  after(() => rm(dataDir, { recursive: true, force: true }));
  const config = { ...defaultLogConfig, segmentBytes: 100 };
  let store = await FileLogStore.open({ dataDir });
  let log = await store.openPartition('t', 0, config);
  await appendData(log, 2, 0, 2, true); // 0-1
  await appendData(log, 3, 0, 1, true); // 2 (still open at the abort)
  await appendData(log, 1, 0, 3); // 3-5, rolls the small segments
  await appendMarker(log, 2, false); // 6
  await appendMarker(log, 3, false); // 7
  const first = await loadProducerState(log, () => log.logEndOffset);
  const expected = [
    { producerId: 2, firstOffset: 0, lastOffset: 6, lastStableOffset: 2 },
    { producerId: 3, firstOffset: 2, lastOffset: 7, lastStableOffset: 8 },
  ];
  assert.equal(first.state.ongoingCount, 0);
  assert.deepEqual(await log.abortedTxns(0, 8), expected, 'replay indexed the aborts the test appended without markers.ts');
  await store.close();

  const dir = path.join(dataDir, 't-0');
  const txnIndexes = (await readdir(dir)).filter((n) => n.endsWith('.txnindex'));
  assert.ok(txnIndexes.length > 1, 'one .txnindex per segment');
  for (const name of txnIndexes) await unlink(path.join(dir, name));
  store = await FileLogStore.open({ dataDir });
  log = await store.openPartition('t', 0, config);
  assert.equal(log.txnIndexMissingFrom, 0);
  assert.deepEqual(await log.abortedTxns(0, 8), []);
  await loadProducerState(log, () => log.logEndOffset);
  assert.equal(log.txnIndexMissingFrom, null);
  assert.deepEqual(await log.abortedTxns(0, 8), expected, 'rebuilt by replaying the whole log');
  await store.close();
  const sizes = await Promise.all(txnIndexes.map(async (n) => (await stat(path.join(dir, n))).size));
  assert.equal(sizes.reduce((a, b) => a + b, 0), 2 * TXN_INDEX_ENTRY_BYTES, 'every file written again');

  // An entry whose marker a crash cut off is dropped when the segment is recovered.
  const last = txnIndexes.at(-1)!;
  await appendFile(path.join(dir, last), TxnIndex.encode([{ producerId: 9, firstOffset: 8, lastOffset: 50, lastStableOffset: 51 }]));
  store = await FileLogStore.open({ dataDir });
  log = await store.openPartition('t', 0, config);
  assert.deepEqual(await log.abortedTxns(0, 100), expected);
  await store.close();
});
