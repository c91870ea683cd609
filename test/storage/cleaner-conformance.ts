/**
 * The log cleaner's contract, run against every store (test/storage/file-store.test.ts,
 * test/storage/memory-store.test.ts): the latest record per key survives at its offset,
 * tombstones go once delete.retention.ms has passed (injected clock), the dedupe buffer bounds a
 * pass, min.compaction.lag.ms and the dirty ratio hold a log back, aborted transactions are
 * dropped and markers kept while needed, a producer's last batch survives emptied.
 * File-only behaviour (checkpoint, crash at each step of a swap, segment merging) is in
 * cleaner.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBatches, encodeBatch } from '../../src/records/record-batch.js';
import { ControlRecordType, encodeTransactionMarker } from '../../src/records/control-record.js';
import { defaultLogConfig, type LogConfig, type LogStore, type PartitionLog } from '../../src/storage/types.js';
import { infosOf } from './batches.js';

/** A store whose runCleaner() and logs' rollNow() exist, on the given clock, cleaner timer off. */
export type MakeCleanableStore = (clock: () => number, options?: { dedupeBufferBytes?: number }) => Promise<LogStore>;

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

function fakeClock(startMs: number) {
  let now = startMs;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/** Appends records i in [from, from + count) as batches of `perBatch`: key k(i % keys), value v(i). */
export async function update(log: PartitionLog, from: number, count: number, keys: number, perBatch: number, clockMs: number, tombstone = false) {
  for (let b = from; b < from + count; b += perBatch) {
    const records = [];
    for (let i = b; i < Math.min(b + perBatch, from + count); i++) {
      records.push({ key: Buffer.from(`k${i % keys}`), value: tombstone ? null : Buffer.from(`v${i}`), timestampMs: clockMs });
    }
    const batch = encodeBatch({ records });
    await log.append(batch, infosOf(batch));
  }
}

export interface Rec { offset: number; key: string; value: string | null }

/**
 * Every record from the log start, CRCs checked. A compacted log may end in a gap (the last
 * batches of a segment cleaned away): a read there returns nothing, as in Kafka, and ends the walk.
 */
export async function records(log: PartitionLog): Promise<Rec[]> {
  const out: Rec[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, { maxBytes: 64 * 1024, minOneBatch: true });
    if (r.bytes === 0) break;
    for (const chunk of r.chunks) {
      for (const batch of decodeBatches(chunk)) {
        for (const rec of batch.isControl ? [] : batch.records) {
          if (rec.offset < offset) continue;
          out.push({ offset: rec.offset, key: rec.key!.toString(), value: rec.value ? rec.value.toString() : null });
        }
        offset = Math.max(offset, batch.lastOffset + 1);
      }
    }
  }
  return out;
}

export async function cleanUntilIdle(store: LogStore, maxPasses = 100): Promise<number> {
  let passes = 0;
  while ((await store.runCleaner!()) !== null) if (++passes > maxPasses) throw new Error('cleaner never went idle');
  return passes;
}


export function runCleanerConformance(name: string, makeStore: MakeCleanableStore): void {
  describe(`log cleaner conformance: ${name}`, () => {
    it('100,000 updates over 1,000 keys leave exactly the latest 1,000, at their offsets', async () => {
      const clock = fakeClock(T0);
      const store = await makeStore(clock.now);
      try {
        const log = await store.openPartition('compacted', 0, config);
        await update(log, 0, 100_000, 1000, 100, T0);
        const sizeBefore = log.sizeBytes;
        log.rollNow!();
        const passes = await cleanUntilIdle(store);
        assert.ok(passes >= 1);
        const recs = await records(log);
        assert.equal(recs.length, 1000);
        for (const r of recs) {
          const k = Number(r.key.slice(1));
          assert.equal(r.offset, 99_000 + k, 'offsets are preserved');
          assert.equal(r.value, `v${99_000 + k}`);
        }
        assert.ok(log.sizeBytes < sizeBefore / 50, `${log.sizeBytes} bytes left of ${sizeBefore}`);
        assert.equal(log.logEndOffset, 100_000);
        // New appends keep their offsets after the gaps.
        await update(log, 100_000, 10, 1000, 10, T0);
        assert.equal(log.logEndOffset, 100_010);
      } finally {
        await store.close();
      }
    });

    it('keeps tombstones for delete.retention.ms, then removes them', async () => {
      const clock = fakeClock(T0);
      const store = await makeStore(clock.now);
      try {
        const log = await store.openPartition('tomb', 0, config);
        await update(log, 0, 4000, 200, 50, T0);
        await update(log, 4000, 100, 200, 50, T0, true); // tombstones for k0..k99
        log.rollNow!();
        await cleanUntilIdle(store);
        let recs = await records(log);
        assert.equal(recs.length, 200, '100 live keys and 100 tombstones');
        assert.equal(recs.filter((r) => r.value === null).length, 100);
        clock.advance(DAY - 1);
        assert.equal(await store.runCleaner!(), null, 'nothing is due before the delete horizon');
        assert.equal((await records(log)).filter((r) => r.value === null).length, 100);
        clock.advance(1);
        assert.ok(await store.runCleaner!(), 'the delete horizon makes the log due');
        recs = await records(log);
        assert.equal(recs.length, 100);
        assert.ok(recs.every((r) => r.value !== null && Number(r.key.slice(1)) >= 100));
      } finally {
        await store.close();
      }
    });

    it('bounds a pass by the dedupe buffer and still converges', async () => {
      // 50 keys' worth of map: a pass maps two 20-record batches.
      const dedupeBufferBytes = Math.ceil((50 * 24) / 0.9);
      const store = await makeStore(Date.now, { dedupeBufferBytes });
      try {
        // Ratio 0: every pass with dirty data runs, so the test sees the passes converge.
        const log = await store.openPartition('small-map', 0, { ...config, segmentBytes: 4096, minCleanableDirtyRatio: 0 });
        await update(log, 0, 1000, 200, 20, T0);
        log.rollNow!();
        const first = (await store.runCleaner!())!;
        assert.ok(first.keysMapped <= 50, `${first.keysMapped} keys mapped`);
        assert.equal(first.mapEndOffset, 40);
        await cleanUntilIdle(store, 200);
        const recs = await records(log);
        assert.equal(recs.length, 200);
        assert.ok(recs.every((r) => r.value === `v${800 + Number(r.key.slice(1))}`));
      } finally {
        await store.close();
      }
    });

    it('does not clean segments younger than min.compaction.lag.ms, nor below the dirty ratio', async () => {
      const clock = fakeClock(T0);
      const store = await makeStore(clock.now);
      try {
        const log = await store.openPartition('lagged', 0, { ...config, minCompactionLagMs: 3600_000 });
        await update(log, 0, 5000, 100, 50, T0);
        log.rollNow!();
        assert.equal(await store.runCleaner!(), null, 'too young');
        clock.advance(3600_001);
        assert.ok(await store.runCleaner!());
        assert.equal((await records(log)).length, 100);
        await update(log, 5000, 50, 100, 50, clock.now());
        log.rollNow!();
        assert.equal(await store.runCleaner!(), null, '100 dirty records against 100 clean ones: below the 0.5 dirty ratio');
      } finally {
        await store.close();
      }
    });

    it('drops aborted transactional data, keeps markers while needed, never cleans past an open transaction', async () => {
      const clock = fakeClock(T0);
      const store = await makeStore(clock.now);
      try {
        const log = await store.openPartition('txn', 0, config);
        const append = async (batch: Buffer) => log.append(batch, infosOf(batch));
        const data = (producerId: number, kvs: Array<[string, string]>) => encodeBatch({
          producerId, producerEpoch: 0, baseSequence: 0, transactional: true,
          records: kvs.map(([k, v]) => ({ key: Buffer.from(k), value: Buffer.from(v), timestampMs: T0 })),
        });
        const marker = (producerId: number, type: typeof ControlRecordType.Abort | typeof ControlRecordType.Commit) => encodeBatch({
          producerId, producerEpoch: 0, transactional: true, isControl: true,
          records: [{ ...encodeTransactionMarker(type, 0), timestampMs: T0 }],
        });
        await update(log, 0, 10, 10, 10, T0); // offsets 0-9: k0..k9 = v0..v9
        await append(data(7, [['k0', 'aborted'], ['k1', 'aborted']])); // 10-11
        await append(marker(7, ControlRecordType.Abort)); // 12
        await append(data(8, [['k2', 'committed'], ['z', 'only-here']])); // 13-14
        await append(marker(8, ControlRecordType.Commit)); // 15
        await update(log, 16, 10, 10, 10, T0); // 16-25: k6..k9, k0..k5 again
        await append(data(9, [['k3', 'open']])); // 26: no marker yet
        await update(log, 27, 10, 10, 10, T0); // 27-36: k7..k9, k0..k6
        log.rollNow!();
        await cleanUntilIdle(store);
        let recs = await records(log);
        assert.ok(!recs.some((r) => r.value === 'aborted'), 'aborted data is gone');
        assert.deepEqual(recs.filter((r) => r.offset < 16).map((r) => r.key), ['z'], 'records superseded below the open transaction are gone');
        assert.ok(recs.some((r) => r.offset === 26 && r.value === 'open'), 'the open transaction is kept');
        assert.equal(recs.filter((r) => r.offset >= 27).length, 10, 'nothing after an open transaction is cleaned');
        const markers = async () => {
          const out: number[] = [];
          let offset = log.logStartOffset;
          while (offset < log.logEndOffset) {
            const r = await log.read(offset, { maxBytes: 1 << 20, minOneBatch: true });
            if (r.bytes === 0) break;
            for (const c of r.chunks) for (const b of decodeBatches(c)) {
              if (b.isControl && b.lastOffset >= offset) out.push(b.baseOffset);
              offset = Math.max(offset, b.lastOffset + 1);
            }
          }
          return out;
        };
        assert.deepEqual(await markers(), [12, 15], 'markers are kept until their delete horizon');
        clock.advance(DAY);
        assert.ok(await store.runCleaner!());
        assert.deepEqual(await markers(), [15], 'the abort marker goes; the commit marker stays while its data (z) is left');
        assert.equal((await records(log)).length, recs.length);
      } finally {
        await store.close();
      }
    });

    it("keeps each producer's last batch, emptied, so its sequence state survives", async () => {
      const store = await makeStore(Date.now);
      try {
        const log = await store.openPartition('idempotent', 0, config);
        for (const baseSequence of [0, 5]) {
          const batch = encodeBatch({
            producerId: 5, producerEpoch: 3, baseSequence,
            records: Array.from({ length: 5 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`p${baseSequence + i}`), timestampMs: T0 })),
          });
          await log.append(batch, infosOf(batch));
        }
        await update(log, 10, 10, 5, 5, T0); // supersedes everything producer 5 wrote
        log.rollNow!();
        await cleanUntilIdle(store);
        const batches = [];
        for (let offset = 0; offset < log.logEndOffset; ) {
          const r = await log.read(offset, { maxBytes: 1 << 20, minOneBatch: true });
          if (r.bytes === 0) break;
          for (const c of r.chunks) for (const b of decodeBatches(c)) {
            if (b.lastOffset >= offset) batches.push(b);
            offset = Math.max(offset, b.lastOffset + 1);
          }
        }
        const fromProducer = batches.filter((b) => b.producerId === 5);
        assert.equal(fromProducer.length, 1);
        const kept = fromProducer[0]!;
        assert.deepEqual([kept.baseOffset, kept.lastOffset, kept.baseSequence, kept.producerEpoch, kept.records.length], [5, 9, 5, 3, 0]);
        assert.equal(batches.flatMap((b) => b.records).length, 5);
      } finally {
        await store.close();
      }
    });
  });
}
