/**
 * File store retention with an injected clock: which segments go (retention.ms, retention.bytes,
 * log start offset), the active segment only when Kafka would, `.deleted` files kept for
 * file.delete.delay.ms, and the log start offset checkpoint surviving restarts.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { FileLogStore } from '../../src/storage/file/file-store.js';
import { defaultLogConfig, OffsetOutOfRangeError, type LogConfig } from '../../src/storage/types.js';
import {
  logStartBreaches,
  retentionBytesBreaches,
  retentionMsBreaches,
  type SegmentSummary,
} from '../../src/storage/retention.js';
import { appendBatches } from './conformance.js';
import { makeSeededBatch } from './batches.js';
import { removeTempDirs, tempDir } from './file-helpers.js';

after(removeTempDirs);

const T0 = 1_700_000_000_000;
const HOUR = 3600_000;
/** One batch of 2 records x 400 bytes is ~900 bytes: 4 batches per 4 KiB segment. */
const config: LogConfig = { ...defaultLogConfig, segmentBytes: 4096, indexIntervalBytes: 512, fileDeleteDelayMs: 60_000 };

function fakeClock(startMs: number) {
  let now = startMs;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

async function openStore(dataDir: string, clock: () => number) {
  return FileLogStore.open({ dataDir, clock, retentionCheckIntervalMs: 0 });
}

/** Appends `count` batches, batch i stamped T0 + i hours. */
async function fill(log: Awaited<ReturnType<FileLogStore['openPartition']>>, count: number, from = 0) {
  for (let i = from; i < from + count; i++) await appendBatches(log, [makeSeededBatch(i, 2, 400, T0 + i * HOUR)]);
}

function segFiles(names: string[], suffix: string): string[] {
  return names.filter((n) => n.endsWith(suffix)).sort();
}

describe('retention rules (pure)', () => {
  const segs: SegmentSummary[] = [
    { baseOffset: 0, nextOffset: 10, sizeBytes: 100, largestTimestampMs: 1000 },
    { baseOffset: 10, nextOffset: 20, sizeBytes: 100, largestTimestampMs: 2000 },
    { baseOffset: 20, nextOffset: 25, sizeBytes: 50, largestTimestampMs: 3000 },
  ];
  it('retention.ms deletes the expired prefix, bounded by the high watermark', () => {
    assert.equal(retentionMsBreaches(segs, 500, 2600, 25), 2);
    assert.equal(retentionMsBreaches(segs, 500, 9999, 25), 3, 'the active segment too, when all is expired');
    assert.equal(retentionMsBreaches(segs, 500, 9999, 15), 1, 'nothing at or above the upper bound');
    assert.equal(retentionMsBreaches(segs, -1, 9999, 25), 0);
  });
  it('retention.bytes keeps at least retentionBytes', () => {
    assert.equal(retentionBytesBreaches(segs, 150, 25), 1);
    assert.equal(retentionBytesBreaches(segs, 50, 25), 2);
    assert.equal(retentionBytesBreaches(segs, 0, 25), 3);
    assert.equal(retentionBytesBreaches(segs, 250, 25), 0);
    assert.equal(retentionBytesBreaches(segs, -1, 25), 0);
  });
  it('the log start offset deletes segments wholly below it, never the last', () => {
    assert.equal(logStartBreaches(segs, 19, 25), 1);
    assert.equal(logStartBreaches(segs, 20, 25), 2);
    assert.equal(logStartBreaches(segs, 25, 25), 2);
  });
  it('an empty last segment is never deletable', () => {
    const withEmpty = [...segs, { baseOffset: 25, nextOffset: 25, sizeBytes: 0, largestTimestampMs: -1 }];
    assert.equal(retentionMsBreaches(withEmpty, 0, 9999, 25), 3);
  });
});

describe('FileLogStore retention', () => {
  it('retention.ms deletes whole expired segments by the injected clock, not the active one', async () => {
    const dir = await tempDir();
    const clock = fakeClock(T0);
    const store = await openStore(dir, clock.now);
    try {
      const log = await store.openPartition('t', 0, { ...config, retentionMs: 10 * HOUR });
      await fill(log, 16); // 4 segments: batches 0-3, 4-7, 8-11, 12-15 (active)
      assert.deepEqual(log.segmentBaseOffsets, [0, 8, 16, 24]);
      clock.advance(15 * HOUR); // now = T0 + 15h: segments with newest record before T0 + 5h expire
      await store.enforceRetention();
      assert.deepEqual(log.segmentBaseOffsets, [8, 16, 24], 'segment 0 (newest record at 3h) went');
      assert.equal(log.logStartOffset, 8);
      await assert.rejects(log.read(7, { maxBytes: 100, minOneBatch: true }), OffsetOutOfRangeError);
      clock.advance(100 * HOUR);
      await store.enforceRetention();
      assert.deepEqual(log.segmentBaseOffsets, [32], 'all expired: a new empty active segment at the log end');
      assert.equal(log.logStartOffset, 32);
      assert.equal(log.logEndOffset, 32);
      assert.equal((await appendBatches(log, [makeSeededBatch(1, 1, 10, clock.now())])).baseOffset, 32);
    } finally {
      await store.close();
    }
  });

  it('keeps deleted segments as .deleted files for file.delete.delay.ms', async () => {
    const dir = await tempDir();
    const clock = fakeClock(T0);
    const store = await openStore(dir, clock.now);
    const pdir = path.join(dir, 't-0');
    try {
      const log = await store.openPartition('t', 0, { ...config, retentionBytes: 4096 });
      await fill(log, 16);
      assert.equal(await log.enforceRetention(), 2);
      let names = await readdir(pdir);
      assert.deepEqual(segFiles(names, '.log'), ['00000000000000000016.log', '00000000000000000024.log']);
      assert.deepEqual(segFiles(names, '.deleted'), [
        '00000000000000000000.index.deleted', '00000000000000000000.log.deleted', '00000000000000000000.timeindex.deleted',
        '00000000000000000000.txnindex.deleted',
        '00000000000000000008.index.deleted', '00000000000000000008.log.deleted', '00000000000000000008.timeindex.deleted',
        '00000000000000000008.txnindex.deleted',
      ]);
      clock.advance(59_999);
      await store.enforceRetention();
      assert.equal(segFiles(await readdir(pdir), '.deleted').length, 8, 'not before the delay');
      clock.advance(1);
      await store.enforceRetention();
      names = await readdir(pdir);
      assert.deepEqual(segFiles(names, '.deleted'), []);
      assert.ok(log.sizeBytes >= 4096);
    } finally {
      await store.close();
    }
  });

  it('checkpoints the log start offset so DeleteRecords survives clean and unclean restarts', async () => {
    const dir = await tempDir();
    const clock = fakeClock(T0);
    let store = await openStore(dir, clock.now);
    let log = await store.openPartition('t', 0, config);
    await fill(log, 12);
    assert.equal(await log.deleteRecordsBefore(11), 11);
    assert.deepEqual(log.segmentBaseOffsets, [8, 16], 'the segment wholly below the start went');
    const text = await readFile(path.join(dir, 'log-start-offset-checkpoint'), 'utf8');
    assert.equal(text, '0\n1\nt 0 11\n');
    await store.close();

    store = await openStore(dir, clock.now);
    log = await store.openPartition('t', 0, config);
    assert.equal(log.logStartOffset, 11);
    assert.equal(log.logEndOffset, 24);
    await log.deleteRecordsBefore(20);
    // An unclean stop: the checkpoint was written before DeleteRecords returned.
    const fresh = new FileLogStore({ dataDir: dir, clock: clock.now, retentionCheckIntervalMs: 0 });
    await (store as unknown as { lock: { release(): Promise<void> } }).lock.release();
    await fresh.open();
    try {
      const again = await fresh.openPartition('t', 0, config);
      assert.equal(again.logStartOffset, 20);
      await assert.rejects(again.read(19, { maxBytes: 100, minOneBatch: true }), OffsetOutOfRangeError);
    } finally {
      await fresh.close();
    }
  });

  it('a deleted partition leaves no log start checkpoint entry behind', async () => {
    const dir = await tempDir();
    const store = await openStore(dir, Date.now);
    try {
      const log = await store.openPartition('gone', 0, config);
      await fill(log, 4);
      await log.deleteRecordsBefore(4);
      await store.deletePartition('gone', 0);
      const again = await store.openPartition('gone', 0, config);
      assert.equal(again.logStartOffset, 0);
      assert.equal(store.logStartOffsetCheckpoint.size, 0);
    } finally {
      await store.close();
    }
  });

  it('applies a retention change on a running log (updateConfig)', async () => {
    const dir = await tempDir();
    const clock = fakeClock(T0 + 1000 * HOUR);
    const store = await openStore(dir, clock.now);
    try {
      const log = await store.openPartition('t', 0, { ...config, retentionMs: -1 });
      await fill(log, 12);
      await store.enforceRetention();
      assert.equal(log.logStartOffset, 0);
      log.updateConfig({ ...config, retentionMs: HOUR });
      await store.enforceRetention();
      assert.equal(log.logStartOffset, 24);
    } finally {
      await store.close();
    }
  });

  it('runs the retention pass on its own timer', async () => {
    const dir = await tempDir();
    const store = await FileLogStore.open({ dataDir: dir, retentionCheckIntervalMs: 20 });
    try {
      const log = await store.openPartition('t', 0, { ...config, retentionMs: HOUR, fileDeleteDelayMs: 0 });
      await fill(log, 8);
      // A pass may run while the batches are still being written: wait for the one after the last.
      for (let i = 0; i < 300 && log.logStartOffset < 16; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(log.logStartOffset, 16);
    } finally {
      await store.close();
    }
  });
});
