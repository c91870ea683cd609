/**
 * The LogStore contract as one suite, run against every store implementation
 * (test/storage/file-store.test.ts, test/storage/memory-store.test.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batchBaseOffset, batchLastOffsetDelta, batchPartitionLeaderEpoch, batchSize, setBatchPartitionLeaderEpoch } from '../../src/records/batch-header.js';
import { verifyBatchCrc } from './batches.js';
import {
  OffsetOutOfRangeError,
  defaultLogConfig,
  type LogConfig,
  type LogStore,
  type PartitionLog,
  type TopicRecord,
  type AbortedTxnEntry,
} from '../../src/storage/types.js';
import { concatBatches, infosOf, makeBatch, makeSeededBatch, splitBatches, withBaseOffset } from './batches.js';

export interface ConformanceOptions {
  /** Log config for every partition (file stores: small segments so reads cross segments). */
  config?: LogConfig;
}

export const smallSegmentConfig: LogConfig = {
  ...defaultLogConfig,
  segmentBytes: 16 * 1024,
  indexIntervalBytes: 512,
};

/** Appends one buffer of batches with infos from their headers. */
export function appendBatches(log: PartitionLog, batches: Buffer[]) {
  const buf = concatBatches(batches);
  return log.append(buf, infosOf(buf));
}

/** Reads the whole log from `from` in small reads; returns each batch once, in order. */
export async function readAll(log: PartitionLog, from = log.logStartOffset, maxBytes = 4096): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, { maxBytes, minOneBatch: true });
    assert.ok(r.bytes > 0, `read at ${offset} returned nothing before the log end ${log.logEndOffset}`);
    let total = 0;
    for (const chunk of r.chunks) {
      total += chunk.length;
      for (const b of splitBatches(chunk)) {
        const last = batchBaseOffset(b, 0) + batchLastOffsetDelta(b, 0);
        if (last >= offset) out.push(Buffer.from(b));
        offset = Math.max(offset, last + 1);
      }
    }
    assert.equal(total, r.bytes, 'ReadResult.bytes is the sum of its chunks');
  }
  return out;
}

function batchesOf(chunks: Buffer[]): Buffer[] {
  return chunks.flatMap((c) => splitBatches(c));
}

export function runLogStoreConformance(name: string, makeStore: () => Promise<LogStore>, options: ConformanceOptions = {}): void {
  const config = options.config ?? smallSegmentConfig;

  async function withLog(fn: (log: PartitionLog, store: LogStore) => Promise<void>): Promise<void> {
    const store = await makeStore();
    try {
      const log = await store.openPartition('conformance', 0, config);
      await fn(log, store);
    } finally {
      await store.close();
    }
  }

  describe(`LogStore conformance: ${name}`, () => {
    it('starts empty', () =>
      withLog(async (log) => {
        assert.equal(log.logStartOffset, 0);
        assert.equal(log.logEndOffset, 0);
        assert.equal(log.sizeBytes, 0);
        assert.deepEqual(await log.read(0, { maxBytes: 1000, minOneBatch: true }), { chunks: [], bytes: 0 });
        assert.equal(await log.offsetForTimestamp(0), null);
        assert.equal(log.maxTimestamp(), null);
      }));

    it('assigns offsets, rewrites baseOffset in place and reads the bytes back', () =>
      withLog(async (log) => {
        const a = makeBatch({ values: [Buffer.from('a0'), Buffer.from('a1'), Buffer.from('a2')] });
        const original = Buffer.from(a);
        const r1 = await log.append(a, infosOf(a));
        assert.deepEqual(r1, { baseOffset: 0, lastOffset: 2, logStartOffset: 0 });
        assert.equal(batchBaseOffset(a, 0), 0);
        const b = makeBatch({ values: [Buffer.from('b0'), Buffer.from('b1')] });
        const r2 = await log.append(b, infosOf(b));
        assert.deepEqual(r2, { baseOffset: 3, lastOffset: 4, logStartOffset: 0 });
        assert.equal(batchBaseOffset(b, 0), 3, 'the store writes the base offset into the caller bytes');
        assert.equal(log.logEndOffset, 5);
        assert.equal(log.sizeBytes, a.length + b.length);
        const all = await log.read(0, { maxBytes: 1 << 20, minOneBatch: false });
        assert.deepEqual(batchesOf(all.chunks), [original, withBaseOffset(b, 3)]);
        assert.equal(all.bytes, a.length + b.length);
      }));

    it('assigns offsets to every batch of a multi-batch append', () =>
      withLog(async (log) => {
        const parts = [makeSeededBatch(1, 3, 10), makeSeededBatch(2, 1, 10), makeSeededBatch(3, 5, 10)];
        const expected = [withBaseOffset(parts[0]!, 0), withBaseOffset(parts[1]!, 3), withBaseOffset(parts[2]!, 4)];
        const r = await appendBatches(log, parts);
        assert.deepEqual(r, { baseOffset: 0, lastOffset: 8, logStartOffset: 0 });
        assert.deepEqual(await readAll(log), expected);
        const mid = await log.read(3, { maxBytes: 1 << 20, minOneBatch: false });
        assert.deepEqual(batchesOf(mid.chunks), expected.slice(1));
      }));

    it('returns the batch containing an offset in its middle', () =>
      withLog(async (log) => {
        await appendBatches(log, [makeSeededBatch(1, 4, 10)]);
        await appendBatches(log, [makeSeededBatch(2, 4, 10)]);
        for (const offset of [5, 6, 7]) {
          const r = await log.read(offset, { maxBytes: 1 << 20, minOneBatch: false });
          const batches = batchesOf(r.chunks);
          assert.equal(batches.length, 1);
          assert.equal(batchBaseOffset(batches[0]!, 0), 4);
        }
      }));

    it('honours maxBytes with whole batches and minOneBatch (KIP-74)', () =>
      withLog(async (log) => {
        const parts = [makeSeededBatch(1, 2, 100), makeSeededBatch(2, 2, 100), makeSeededBatch(3, 2, 100)];
        for (const p of parts) await appendBatches(log, [p]);
        const size = parts[0]!.length;
        const two = await log.read(0, { maxBytes: size * 2 + size - 1, minOneBatch: false });
        assert.equal(batchesOf(two.chunks).length, 2);
        assert.equal(two.bytes, size * 2);
        const none = await log.read(0, { maxBytes: size - 1, minOneBatch: false });
        assert.deepEqual(none, { chunks: [], bytes: 0 });
        const one = await log.read(2, { maxBytes: 10, minOneBatch: true });
        assert.equal(batchesOf(one.chunks).length, 1);
        assert.equal(batchBaseOffset(one.chunks[0]!, 0), 2);
        assert.equal(one.bytes, size);
        const zero = await log.read(0, { maxBytes: 0, minOneBatch: false });
        assert.equal(zero.bytes, 0);
      }));

    it('does not return batches at or beyond maxOffset', () =>
      withLog(async (log) => {
        for (let i = 0; i < 4; i++) await appendBatches(log, [makeSeededBatch(i, 2, 20)]);
        const r = await log.read(0, { maxBytes: 1 << 20, minOneBatch: true, maxOffset: 4 });
        assert.deepEqual(batchesOf(r.chunks).map((b) => batchBaseOffset(b, 0)), [0, 2]);
        const mid = await log.read(3, { maxBytes: 1 << 20, minOneBatch: true, maxOffset: 5 });
        assert.deepEqual(batchesOf(mid.chunks).map((b) => batchBaseOffset(b, 0)), [2, 4]);
        const empty = await log.read(4, { maxBytes: 1 << 20, minOneBatch: true, maxOffset: 4 });
        assert.deepEqual(empty, { chunks: [], bytes: 0 });
      }));

    it('throws OffsetOutOfRangeError outside [logStartOffset, logEndOffset]', () =>
      withLog(async (log) => {
        await appendBatches(log, [makeSeededBatch(1, 3, 10)]);
        await assert.rejects(log.read(4, { maxBytes: 100, minOneBatch: true }), (err: unknown) => {
          assert.ok(err instanceof OffsetOutOfRangeError);
          assert.equal(err.offset, 4);
          assert.equal(err.logStartOffset, 0);
          assert.equal(err.logEndOffset, 3);
          return true;
        });
        await assert.rejects(log.read(-1, { maxBytes: 100, minOneBatch: true }), OffsetOutOfRangeError);
        assert.deepEqual(await log.read(3, { maxBytes: 100, minOneBatch: true }), { chunks: [], bytes: 0 });
      }));

    it('finds offsets by timestamp and tracks the max timestamp', () =>
      withLog(async (log) => {
        const t = 1_700_000_000_000;
        await appendBatches(log, [makeBatch({ values: [Buffer.from('x'), Buffer.from('y')], baseTimestampMs: t, timestampStepMs: 500 })]);
        await appendBatches(log, [makeBatch({ values: [Buffer.from('z')], baseTimestampMs: t + 2000 })]);
        await appendBatches(log, [makeBatch({ values: [Buffer.from('w'), Buffer.from('v')], baseTimestampMs: t + 1000 })]);
        assert.deepEqual(await log.offsetForTimestamp(0), { offset: 0, timestampMs: t + 500 });
        assert.deepEqual(await log.offsetForTimestamp(t + 500), { offset: 0, timestampMs: t + 500 });
        assert.deepEqual(await log.offsetForTimestamp(t + 501), { offset: 2, timestampMs: t + 2000 });
        assert.deepEqual(await log.offsetForTimestamp(t + 2000), { offset: 2, timestampMs: t + 2000 });
        assert.equal(await log.offsetForTimestamp(t + 2001), null);
        assert.deepEqual(log.maxTimestamp(), { offset: 2, timestampMs: t + 2000 });
      }));

    it('finds timestamps across many appends', () =>
      withLog(async (log) => {
        const t = 1_700_000_000_000;
        for (let i = 0; i < 200; i++) await appendBatches(log, [makeSeededBatch(i, 2, 100, t + i * 10)]);
        for (const i of [0, 1, 57, 130, 199]) {
          assert.deepEqual(await log.offsetForTimestamp(t + i * 10 - 3), { offset: i * 2, timestampMs: t + i * 10 });
        }
        assert.deepEqual(log.maxTimestamp(), { offset: 399, timestampMs: t + 1990 });
      }));

    it('keeps call order for concurrent appends', () =>
      withLog(async (log) => {
        const batches = Array.from({ length: 300 }, (_, i) => makeSeededBatch(i, 1 + (i % 7), 20 + (i % 50)));
        const expected: Buffer[] = [];
        const pending = [];
        let next = 0;
        for (const b of batches) {
          expected.push(withBaseOffset(b, next));
          next += batchLastOffsetDelta(b, 0) + 1;
          pending.push(log.append(b, infosOf(b)));
        }
        assert.equal(log.logEndOffset, next, 'offsets are assigned synchronously');
        const results = await Promise.all(pending);
        let expectedBase = 0;
        for (const [i, r] of results.entries()) {
          assert.equal(r.baseOffset, expectedBase, `append ${i}`);
          expectedBase = r.lastOffset + 1;
        }
        assert.deepEqual(await readAll(log), expected);
        assert.deepEqual(await readAll(log, 0, 1 << 20), expected);
      }));

    it('reads back a log spanning many segments from any offset', () =>
      withLog(async (log) => {
        const expected: Buffer[] = [];
        for (let i = 0; i < 150; i++) {
          const parts = [makeSeededBatch(i * 2, 3, 150), makeSeededBatch(i * 2 + 1, 2, 90)];
          const r = await appendBatches(log, parts);
          expected.push(withBaseOffset(parts[0]!, r.baseOffset), withBaseOffset(parts[1]!, r.baseOffset + 3));
        }
        assert.deepEqual(await readAll(log), expected);
        for (const offset of [0, 1, 3, 100, 376, 749]) {
          const r = await log.read(offset, { maxBytes: 1, minOneBatch: true });
          const b = batchesOf(r.chunks)[0]!;
          assert.ok(batchBaseOffset(b, 0) <= offset && offset <= batchBaseOffset(b, 0) + batchLastOffsetDelta(b, 0));
          assert.equal(r.bytes, batchSize(b, 0));
        }
      }));

    it('rejects an append whose infos do not match its bytes, changing nothing', () =>
      withLog(async (log) => {
        const two = concatBatches([makeSeededBatch(1, 2, 10), makeSeededBatch(2, 2, 10)]);
        await assert.rejects(log.append(two, infosOf(two).slice(0, 1)), RangeError);
        assert.equal(log.logEndOffset, 0);
        const r = await log.append(two, infosOf(two));
        assert.equal(r.lastOffset, 3);
      }));

    it('saves and loads the topic catalogue', async () => {
      const store = await makeStore();
      try {
        assert.deepEqual(await store.loadTopics(), []);
        const topics: TopicRecord[] = [
          { name: 'a', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitionCount: 3, configs: { 'retention.ms': '1000' } },
          { name: 'b.c-d_e', topicId: 'BBBBBBBBBBBBBBBBBBBBBB', partitionCount: 1, configs: {} },
        ];
        await store.saveTopics(topics);
        topics[0]!.configs['retention.ms'] = 'mutated by caller';
        const loaded = await store.loadTopics();
        assert.equal(loaded.length, 2);
        assert.deepEqual(loaded[0], { name: 'a', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitionCount: 3, configs: { 'retention.ms': '1000' } });
        await store.saveTopics([loaded[1]!]);
        assert.deepEqual((await store.loadTopics()).map((t) => t.name), ['b.c-d_e']);
      } finally {
        await store.close();
      }
    });

    it('keeps the cluster id', async () => {
      const store = await makeStore();
      try {
        let calls = 0;
        const id = await store.clusterId(() => `cluster-${++calls}`);
        assert.equal(id, 'cluster-1');
        assert.equal(await store.clusterId(() => `cluster-${++calls}`), 'cluster-1');
        assert.equal(calls, 1);
      } finally {
        await store.close();
      }
    });

    it('deletes a partition', async () => {
      const store = await makeStore();
      try {
        const log = await store.openPartition('doomed', 0, config);
        await appendBatches(log, [makeSeededBatch(1, 5, 10)]);
        const other = await store.openPartition('doomed', 1, config);
        await appendBatches(other, [makeSeededBatch(2, 2, 10)]);
        await store.deletePartition('doomed', 0);
        const again = await store.openPartition('doomed', 0, config);
        assert.equal(again.logEndOffset, 0);
        assert.deepEqual(await again.read(0, { maxBytes: 100, minOneBatch: true }), { chunks: [], bytes: 0 });
        assert.equal(other.logEndOffset, 2, 'other partitions are untouched');
        assert.equal((await readAll(other)).length, 1);
      } finally {
        await store.close();
      }
    });

    it('keeps partitions apart', async () => {
      const store = await makeStore();
      try {
        const a = await store.openPartition('t', 0, config);
        const b = await store.openPartition('t', 1, config);
        const c = await store.openPartition('t-1', 0, config);
        await appendBatches(a, [makeSeededBatch(1, 1, 10)]);
        await appendBatches(b, [makeSeededBatch(2, 2, 10)]);
        await appendBatches(c, [makeSeededBatch(3, 3, 10)]);
        assert.deepEqual([a.logEndOffset, b.logEndOffset, c.logEndOffset], [1, 2, 3]);
        assert.equal(await store.openPartition('t', 1, config), b, 'opening an open partition returns it');
      } finally {
        await store.close();
      }
    });

    it('opens a closed partition again with its data', async () => {
      const store = await makeStore();
      try {
        const log = await store.openPartition('reopen', 0, config);
        const b = makeSeededBatch(1, 3, 10);
        await log.append(b, infosOf(b));
        await log.close();
        await assert.rejects(appendBatches(log, [makeSeededBatch(2, 1, 10)]));
        const again = await store.openPartition('reopen', 0, config);
        assert.notEqual(again, log);
        assert.equal(again.logEndOffset, 3);
        assert.deepEqual(await readAll(again), [withBaseOffset(b, 0)]);
        assert.equal((await appendBatches(again, [makeSeededBatch(3, 1, 10)])).baseOffset, 3);
      } finally {
        await store.close();
      }
    });

    it('deleteRecordsBefore advances the log start offset; reads below it are out of range', () =>
      withLog(async (log) => {
        for (let i = 0; i < 40; i++) await appendBatches(log, [makeSeededBatch(i, 3, 200)]);
        assert.equal(await log.deleteRecordsBefore(61), 61);
        assert.equal(log.logStartOffset, 61);
        await assert.rejects(log.read(60, { maxBytes: 100, minOneBatch: true }), (err: unknown) => {
          assert.ok(err instanceof OffsetOutOfRangeError);
          assert.equal(err.logStartOffset, 61);
          return true;
        });
        const first = await log.read(61, { maxBytes: 1, minOneBatch: true });
        assert.equal(batchBaseOffset(first.chunks[0]!, 0), 60, 'the batch containing the log start is returned whole');
        assert.equal(await log.deleteRecordsBefore(10), 61, 'moving it backwards is a no-op');
        await assert.rejects(log.deleteRecordsBefore(121), OffsetOutOfRangeError);
        const r = await appendBatches(log, [makeSeededBatch(99, 1, 10)]);
        assert.equal(r.logStartOffset, 61);
        const t = 1_700_000_000_000;
        assert.equal((await log.offsetForTimestamp(0))?.offset, 61, 'timestamp lookups start at the log start');
        assert.ok((await log.offsetForTimestamp(t + 39))!.offset >= 61);
        assert.equal(await log.deleteRecordsBefore(log.logEndOffset), 121);
        assert.deepEqual(await log.read(121, { maxBytes: 100, minOneBatch: true }), { chunks: [], bytes: 0 });
      }));

    it('keeps the log start offset when the partition is opened again', async () => {
      const store = await makeStore();
      try {
        const log = await store.openPartition('start', 0, config);
        for (let i = 0; i < 30; i++) await appendBatches(log, [makeSeededBatch(i, 2, 300)]);
        await log.deleteRecordsBefore(33);
        await log.close();
        const again = await store.openPartition('start', 0, config);
        assert.equal(again.logStartOffset, 33);
        assert.equal(again.logEndOffset, 60);
        await assert.rejects(again.read(32, { maxBytes: 100, minOneBatch: true }), OffsetOutOfRangeError);
      } finally {
        await store.close();
      }
    });

    it('retention.ms deletes everything older, the log start moves to the end, appends continue', async () => {
      const store = await makeStore();
      try {
        // Batch timestamps are from 2023: a day of retention makes all of them expired.
        const log = await store.openPartition('expire', 0, { ...config, retentionMs: 24 * 3600 * 1000 });
        for (let i = 0; i < 30; i++) await appendBatches(log, [makeSeededBatch(i, 2, 300)]);
        assert.ok((await log.enforceRetention()) > 0);
        assert.equal(log.logStartOffset, 60);
        assert.equal(log.logEndOffset, 60);
        await assert.rejects(log.read(0, { maxBytes: 100, minOneBatch: true }), OffsetOutOfRangeError);
        assert.equal((await appendBatches(log, [makeSeededBatch(1, 1, 10)])).baseOffset, 60);
        assert.equal((await readAll(log)).length, 1);
      } finally {
        await store.close();
      }
    });

    it('retention.bytes keeps at least that many bytes of the newest data; compact-only keeps all', async () => {
      const store = await makeStore();
      try {
        const sized = await store.openPartition('sized', 0, { ...config, retentionBytes: 8000, retentionMs: -1 });
        const compacted = await store.openPartition('sized', 1, { ...config, retentionBytes: 8000, retentionMs: 1, cleanupPolicy: ['compact'] });
        for (let i = 0; i < 100; i++) {
          await appendBatches(sized, [makeSeededBatch(i, 2, 300)]);
          await appendBatches(compacted, [makeSeededBatch(i, 2, 300)]);
        }
        await sized.enforceRetention();
        assert.ok(sized.logStartOffset > 0, 'old data went');
        assert.ok(sized.sizeBytes >= 8000, `at least retention.bytes kept (${sized.sizeBytes})`);
        const kept = await readAll(sized);
        assert.equal(batchBaseOffset(kept[0]!, 0), sized.logStartOffset);
        assert.equal(kept.length, (200 - sized.logStartOffset) / 2);
        assert.equal(await compacted.enforceRetention(), 0);
        assert.equal(compacted.logStartOffset, 0);
        compacted.updateConfig({ ...config, retentionBytes: 8000, cleanupPolicy: ['compact', 'delete'] });
        assert.ok((await compacted.enforceRetention()) > 0, 'a live config change applies to the next pass');
        assert.ok(compacted.logStartOffset > 0);
      } finally {
        await store.close();
      }
    });

    it('indexes aborted transactions: overlapping ranges, replays ignored, kept on reopen, dropped by retention', async () => {
      const store = await makeStore();
      try {
        const keepAll = { ...config, retentionMs: -1 };
        const log = await store.openPartition('aborts', 0, keepAll);
        // 40 appends of 3 records; after append i (odd i) an "abort marker" at its last offset
        // closes a transaction that began at the append before.
        const expected: AbortedTxnEntry[] = [];
        for (let i = 0; i < 40; i++) {
          const written = appendBatches(log, [makeSeededBatch(i, 3, 300)]);
          if (i % 2 === 1) {
            const txn = { producerId: 1000 + i, firstOffset: 3 * (i - 1), lastOffset: 3 * i + 2, lastStableOffset: 3 * i + 3 };
            log.addAbortedTxn(txn);
            log.addAbortedTxn({ ...txn, producerId: 1 }); // same marker again: ignored
            expected.push(txn);
          }
          await written;
        }
        assert.deepEqual(await log.abortedTxns(0, 120), expected);
        // [9, 12) overlaps the transaction [6, 11] only; [11, 12) still ends inside it.
        assert.deepEqual((await log.abortedTxns(9, 12)).map((t) => t.producerId), [1003]);
        assert.deepEqual((await log.abortedTxns(11, 13)).map((t) => t.producerId), [1003, 1005]);
        assert.deepEqual(await log.abortedTxns(120, 121), []);
        await log.close();
        const again = await store.openPartition('aborts', 0, keepAll);
        assert.deepEqual(await again.abortedTxns(0, 120), expected, 'the index survives a reopen');
        assert.equal(again.txnIndexMissingFrom, null);
        await again.deleteRecordsBefore(90);
        await again.enforceRetention();
        const kept = await again.abortedTxns(0, 120);
        assert.ok(!kept.some((t) => t.producerId === 1001), 'entries of deleted data went with it');
        assert.deepEqual(kept.filter((t) => t.lastOffset >= 90), expected.filter((t) => t.lastOffset >= 90));
      } finally {
        await store.close();
      }
    });

    it('stamps the leader epoch into appended batches and answers endOffsetForEpoch from it', () =>
      withLog(async (log) => {
        assert.equal(log.latestEpoch, -1);
        assert.deepEqual(log.endOffsetForEpoch(0), { leaderEpoch: -1, endOffset: -1 });
        const a = makeSeededBatch(1, 3, 10);
        setBatchPartitionLeaderEpoch(a, 0, -1);
        await log.append(a, infosOf(a), 2);
        assert.equal(batchPartitionLeaderEpoch(a, 0), 2, 'bytes 12..15 carry the leader epoch');
        assert.ok(verifyBatchCrc(a), 'the epoch is outside the CRC');
        await appendBatches(log, [makeSeededBatch(2, 2, 10)]);
        const b = makeSeededBatch(3, 4, 10);
        await log.append(b, infosOf(b), 2);
        await log.assignLeaderEpoch(5, log.logEndOffset);
        const c = makeSeededBatch(4, 1, 10);
        await log.append(c, infosOf(c), 5);
        assert.equal(log.latestEpoch, 5);
        assert.deepEqual(log.endOffsetForEpoch(5), { leaderEpoch: 5, endOffset: 10 });
        assert.deepEqual(log.endOffsetForEpoch(2), { leaderEpoch: 2, endOffset: 9 });
        assert.deepEqual(log.endOffsetForEpoch(3), { leaderEpoch: 2, endOffset: 9 }, 'an epoch that never wrote: the one before it');
        assert.deepEqual(log.endOffsetForEpoch(1), { leaderEpoch: 1, endOffset: 0 }, 'older than every entry');
        assert.deepEqual(log.endOffsetForEpoch(6), { leaderEpoch: -1, endOffset: -1 }, 'a future epoch is undefined');
        const stored = await readAll(log);
        assert.deepEqual(stored.map((x) => batchPartitionLeaderEpoch(x, 0)), [2, 0, 2, 5]);
      }));

    it('appendAsFollower keeps the leader offsets, refuses gaps and learns epochs from the batches', () =>
      withLog(async (log) => {
        const leaderBatch = (seed: number, count: number, base: number, epoch: number) => {
          const b = withBaseOffset(makeSeededBatch(seed, count, 10), base);
          setBatchPartitionLeaderEpoch(b, 0, epoch);
          return b;
        };
        const two = concatBatches([leaderBatch(1, 3, 0, 0), leaderBatch(2, 2, 3, 1)]);
        const r = await log.appendAsFollower(two, infosOf(two));
        assert.deepEqual(r, { baseOffset: 0, lastOffset: 4, logStartOffset: 0 });
        const gap = leaderBatch(3, 1, 6, 1);
        await assert.rejects(log.appendAsFollower(gap, infosOf(gap)), RangeError);
        const inner = concatBatches([leaderBatch(4, 1, 5, 1), leaderBatch(5, 1, 7, 1)]);
        await assert.rejects(log.appendAsFollower(inner, infosOf(inner)), RangeError, 'batches must follow each other');
        assert.equal(log.logEndOffset, 5, 'a refused append changes nothing');
        const next = leaderBatch(6, 2, 5, 3);
        await log.appendAsFollower(next, infosOf(next));
        assert.equal(log.logEndOffset, 7);
        assert.equal(log.latestEpoch, 3);
        assert.deepEqual(log.endOffsetForEpoch(0), { leaderEpoch: 0, endOffset: 3 });
        assert.deepEqual(log.endOffsetForEpoch(1), { leaderEpoch: 1, endOffset: 5 });
        assert.deepEqual(log.endOffsetForEpoch(2), { leaderEpoch: 1, endOffset: 5 });
        assert.deepEqual((await readAll(log)).map((b) => batchBaseOffset(b, 0)), [0, 3, 5]);
      }));

    it('truncateTo removes whole batches from the cut, across segments, and appends continue', () =>
      withLog(async (log) => {
        const t = 1_700_000_000_000;
        const expected: Buffer[] = [];
        for (let i = 0; i < 120; i++) {
          const b = makeSeededBatch(i, 3, 150, t + i);
          const r = await log.append(b, infosOf(b), i < 60 ? 1 : 4);
          expected.push(Buffer.from(withBaseOffset(b, r.baseOffset)));
        }
        assert.equal(log.logEndOffset, 360);
        await log.truncateTo(400);
        assert.equal(log.logEndOffset, 360, 'beyond the end: a no-op');
        await log.truncateTo(301);
        assert.equal(log.logEndOffset, 300, 'the batch holding the cut goes whole');
        assert.deepEqual(await readAll(log), expected.slice(0, 100));
        assert.equal(log.sizeBytes, expected.slice(0, 100).reduce((n, b) => n + b.length, 0));
        assert.deepEqual(log.maxTimestamp(), { offset: 299, timestampMs: t + 99 });
        assert.equal(await log.offsetForTimestamp(t + 100), null);
        assert.deepEqual(log.endOffsetForEpoch(4), { leaderEpoch: 4, endOffset: 300 });
        await log.truncateTo(150);
        assert.equal(log.logEndOffset, 150);
        assert.equal(log.latestEpoch, 1, 'epochs that started past the cut are gone');
        assert.deepEqual(log.endOffsetForEpoch(4), { leaderEpoch: -1, endOffset: -1 });
        await assert.rejects(log.read(151, { maxBytes: 100, minOneBatch: true }), OffsetOutOfRangeError);
        const again = makeSeededBatch(999, 2, 150, t + 5000);
        const r = await log.append(again, infosOf(again), 7);
        assert.equal(r.baseOffset, 150);
        assert.deepEqual(await readAll(log), [...expected.slice(0, 50), withBaseOffset(again, 150)]);
        assert.deepEqual(log.endOffsetForEpoch(4), { leaderEpoch: 1, endOffset: 150 });
        assert.deepEqual(await log.offsetForTimestamp(t + 100), { offset: 150, timestampMs: t + 5000 });
        assert.deepEqual(log.maxTimestamp(), { offset: 151, timestampMs: t + 5000 });
      }));

    it('truncateTo never goes below the log start', () =>
      withLog(async (log) => {
        for (let i = 0; i < 20; i++) await appendBatches(log, [makeSeededBatch(i, 3, 300)]);
        await log.deleteRecordsBefore(31);
        await log.truncateTo(10);
        assert.equal(log.logStartOffset, 31);
        assert.equal(log.logEndOffset, 31, 'an empty log starting at the log start');
        assert.deepEqual(await log.read(31, { maxBytes: 100, minOneBatch: true }), { chunks: [], bytes: 0 });
        const r = await appendBatches(log, [makeSeededBatch(77, 2, 10)]);
        assert.equal(r.baseOffset, 31);
        assert.equal((await readAll(log)).length, 1);
      }));

    it('keeps the leader epochs and a truncation when the partition is opened again', async () => {
      const store = await makeStore();
      try {
        const log = await store.openPartition('epochs', 0, config);
        for (let i = 0; i < 40; i++) {
          const b = makeSeededBatch(i, 2, 200);
          await log.append(b, infosOf(b), Math.floor(i / 10));
        }
        await log.truncateTo(65);
        await log.close();
        const again = await store.openPartition('epochs', 0, config);
        assert.equal(again.logEndOffset, 64);
        assert.equal(again.latestEpoch, 3);
        assert.deepEqual(again.endOffsetForEpoch(1), { leaderEpoch: 1, endOffset: 40 });
        assert.deepEqual(again.endOffsetForEpoch(3), { leaderEpoch: 3, endOffset: 64 });
        assert.equal((await readAll(again)).length, 32);
        assert.equal((await appendBatches(again, [makeSeededBatch(1, 1, 10)])).baseOffset, 64);
      } finally {
        await store.close();
      }
    });

    it('flush() resolves and the data stays readable', () =>
      withLog(async (log) => {
        await appendBatches(log, [makeSeededBatch(1, 3, 10)]);
        await log.flush();
        assert.equal((await readAll(log)).length, 1);
      }));
  });
}
