/**
 * The log cleaner on the file store only (the contract both stores share is in
 * cleaner-conformance.ts): the cleaned offset is checkpointed, small cleaned segments are merged
 * (groupSegmentsBySize), and a crash at every step of a segment rewrite or merge leaves a
 * readable log holding the same latest values, each record once.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { decodeBatches, encodeBatch } from '../../src/records/record-batch.js';
import { FileLogStore } from '../../src/storage/file/file-store.js';
import type { FilePartitionLog } from '../../src/storage/file/partition-log.js';
import type { CleanStep } from '../../src/storage/cleaner/segment-cleaner.js';
import { defaultLogConfig, type LogConfig } from '../../src/storage/types.js';
import { infosOf } from './batches.js';
import { removeTempDirs, tempDir } from './file-helpers.js';
import { cleanUntilIdle, records, update } from './cleaner-conformance.js';

after(removeTempDirs);

const T0 = 1_700_000_000_000;
const DAY = 24 * 3600 * 1000;
const config: LogConfig = {
  ...defaultLogConfig,
  segmentBytes: 64 * 1024,
  indexIntervalBytes: 1024,
  cleanupPolicy: ['compact'],
  deleteRetentionMs: DAY,
  fileDeleteDelayMs: 0,
};


async function openStore(dataDir: string, clock: () => number, extra: Partial<ConstructorParameters<typeof FileLogStore>[0]> = {}) {
  return FileLogStore.open({ dataDir, clock, retentionCheckIntervalMs: 0, cleaner: { enabled: false, ...(extra.cleaner ?? {}) } });
}

describe('log cleaner (file store)', () => {
  it('checkpoints the cleaned offset (cleaner-offset-checkpoint)', async () => {
    const dir = await tempDir();
    const store = await openStore(dir, Date.now);
    const log = await store.openPartition('ckpt', 0, config);
    await update(log, 0, 2000, 100, 50, T0);
    log.rollNow();
    await store.runCleaner();
    await store.close();
    const again = await openStore(dir, Date.now);
    try {
      const reopened = await again.openPartition('ckpt', 0, config);
      assert.equal(reopened.cleanerState.firstDirtyOffset, 2000);
      assert.equal(await again.runCleaner(), null, 'nothing dirty after a restart');
    } finally {
      await again.close();
    }
  });

  for (const step of ['cleaned-written', 'log-swapped', 'log-committed', 'indexes-committed'] as CleanStep[]) {
    it(`a crash after "${step}" leaves a readable log with the same latest values`, async () => {
      const dir = await tempDir();
      let target = -1;
      const crashing = await openStore(dir, Date.now, {
        cleaner: {
          onStep: (s, base) => {
            if (s === step && base === target) throw new Error(`injected crash after ${s}`);
          },
        },
      });
      const log = await crashing.openPartition('crash', 0, config);
      await update(log, 0, 20_000, 100, 100, T0);
      log.rollNow();
      // The last sealed segment (holding the latest values): the ones before it were cleaned away.
      target = log.segmentBaseOffsets.at(-2)!;
      await assert.rejects(crashing.runCleaner(), /injected crash/);
      // Abandon the store without closing it, as a crash would.
      await (crashing as unknown as { lock: { release(): Promise<void> } }).lock.release();

      const store = await openStore(dir, Date.now);
      try {
        const reopened = await store.openPartition('crash', 0, config);
        const names = await readdir(path.join(dir, 'crash-0'));
        assert.deepEqual(names.filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap')), []);
        const recs = await records(reopened);
        const latest = new Map<string, string | null>();
        let last = -1;
        for (const r of recs) {
          assert.ok(r.offset > last, 'offsets increase');
          last = r.offset;
          latest.set(r.key, r.value);
        }
        assert.equal(latest.size, 100);
        for (const [k, v] of latest) assert.equal(v, `v${19_900 + Number(k.slice(1))}`);
        await cleanUntilIdle(store);
        assert.equal((await records(reopened)).length, 100);
      } finally {
        await store.close();
      }
    });
  }

  /**
   * Batches of 100 records: 99 updates of one hot key and one record of a key never seen again
   * (u<n>), so a cleaned segment keeps one record per batch: small, and still needed.
   */
  async function hotAndUnique(log: FilePartitionLog, batches: number, first: number) {
    for (let b = first; b < first + batches; b++) {
      const records = Array.from({ length: 100 }, (_, i) => ({ key: Buffer.from(i === 0 ? `u${b}` : 'hot'), value: Buffer.from(`b${b}r${i}-${'x'.repeat(20)}`), timestampMs: T0 }));
      const batch = encodeBatch({ records });
      await log.append(batch, infosOf(batch));
    }
  }

  /** Every unique key once, with its value, and the hot key's latest value; offsets increasing. */
  async function checkHotAndUnique(log: FilePartitionLog, batches: number) {
    const recs = await records(log);
    let last = -1;
    for (const r of recs) {
      assert.ok(r.offset > last, `offsets increase (${r.offset} after ${last})`);
      last = r.offset;
    }
    const unique = recs.filter((r) => r.key.startsWith('u'));
    assert.deepEqual(unique.map((r) => r.key), Array.from({ length: batches }, (_, b) => `u${b}`));
    assert.ok(unique.every((r) => r.value === `${r.key.replace('u', 'b')}r0-${'x'.repeat(20)}` && r.offset === Number(r.key.slice(1)) * 100));
    assert.equal(recs.filter((r) => r.key === 'hot').at(-1)!.value, `b${batches - 1}r99-${'x'.repeat(20)}`);
  }

  /** Two passes: the first shrinks full segments, the second (after more data) merges them. */
  async function cleanTwiceMerging(store: FileLogStore, log: FilePartitionLog) {
    await hotAndUnique(log, 150, 0);
    log.rollNow();
    const first = (await store.runCleaner())!;
    assert.equal(first.segmentsMerged, 0, 'full segments are not merged (sizes before cleaning count)');
    const cleanedSegments = log.segmentBaseOffsets.length - 1;
    assert.ok(cleanedSegments >= 4, `${cleanedSegments} small cleaned segments`);
    await hotAndUnique(log, 60, 150);
    log.rollNow();
    return cleanedSegments;
  }

  it('merges adjacent small cleaned segments into one (groupSegmentsBySize); reads and a restart see the same log', async () => {
    const dir = await tempDir();
    const store = await openStore(dir, Date.now);
    let log = await store.openPartition('merge', 0, config);
    const cleanedSegments = await cleanTwiceMerging(store, log);
    const before = log.segmentBaseOffsets.length;
    const second = (await store.runCleaner())!;
    assert.ok(second.segmentsMerged >= cleanedSegments - 1, `${second.segmentsMerged} segments merged`);
    assert.ok(log.segmentBaseOffsets.length <= before - (cleanedSegments - 1), `${before} segments -> ${log.segmentBaseOffsets}`);
    assert.equal(log.segmentBaseOffsets[0], 0, 'the merged segment keeps the first base offset');
    await checkHotAndUnique(log, 210);
    // Reads through the merged segment's index land on the right batch.
    for (const b of [0, 37, 99, 149]) {
      const r = await log.read(b * 100, { maxBytes: 1, minOneBatch: true });
      const batch = decodeBatches(r.chunks[0]!)[0]!;
      assert.ok(batch.baseOffset <= b * 100 && batch.lastOffset >= b * 100, `read at ${b * 100} got ${batch.baseOffset}..${batch.lastOffset}`);
    }
    const names = await readdir(path.join(dir, 'merge-0'));
    assert.equal(names.filter((n) => n.endsWith('.log')).length, log.segmentBaseOffsets.length, 'merged segments\' files are gone');
    await store.close();
    const again = await openStore(dir, Date.now);
    try {
      log = await again.openPartition('merge', 0, config);
      await checkHotAndUnique(log, 210);
    } finally {
      await again.close();
    }
  });

  for (const step of ['cleaned-written', 'log-swapped', 'merged-retired', 'log-committed', 'indexes-committed'] as CleanStep[]) {
    it(`a crash after "${step}" of a merge leaves a readable log, each record once`, async () => {
      const dir = await tempDir();
      let armed = false;
      const crashing = await openStore(dir, Date.now, {
        cleaner: {
          onStep: (s, base) => {
            if (armed && s === step && base === 0) throw new Error(`injected crash after ${s}`);
          },
        },
      });
      const log = await crashing.openPartition('crash-merge', 0, config);
      await cleanTwiceMerging(crashing, log);
      armed = true;
      await assert.rejects(crashing.runCleaner(), /injected crash/);
      await (crashing as unknown as { lock: { release(): Promise<void> } }).lock.release();

      const store = await openStore(dir, Date.now);
      try {
        const reopened = await store.openPartition('crash-merge', 0, config);
        const names = await readdir(path.join(dir, 'crash-merge-0'));
        assert.deepEqual(names.filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap')), []);
        await checkHotAndUnique(reopened, 210);
        await cleanUntilIdle(store);
        await checkHotAndUnique(reopened, 210);
      } finally {
        await store.close();
      }
    });
  }
});
