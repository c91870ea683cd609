import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBatches, encodeBatch } from '../../src/records/record-batch.js';
import { defaultLogConfig } from '../../src/storage/types.js';
import { infosOf } from './batches.js';
import { MemoryLogStore } from '../../src/storage/memory/memory-store.js';
import { runLogStoreConformance } from './conformance.js';
import { runCleanerConformance } from './cleaner-conformance.js';

runLogStoreConformance('MemoryLogStore', async () => new MemoryLogStore());

runCleanerConformance('MemoryLogStore', async (clock, options = {}) =>
  new MemoryLogStore({ clock, retentionCheckIntervalMs: 0, cleaner: { enabled: false, ...options } }),
);

test('the memory cleaner merges the small chunks it leaves, up to segment.bytes', async () => {
  const store = new MemoryLogStore({ retentionCheckIntervalMs: 0, cleaner: { enabled: false } });
  try {
    const config = { ...defaultLogConfig, cleanupPolicy: ['compact'], segmentBytes: 64 * 1024 };
    const log = await store.openPartition('merged', 0, config);
    // 300 appends of 10 records: one key of each append is never updated again.
    for (let a = 0; a < 300; a++) {
      const batch = encodeBatch({ records: Array.from({ length: 10 }, (_, i) => ({ key: Buffer.from(i === 0 ? `u${a}` : 'hot'), value: Buffer.from(`a${a}r${i}`), timestampMs: 1 })) });
      await log.append(batch, infosOf(batch));
    }
    log.rollNow();
    const chunksBefore = (log as unknown as { data: { batches: { count: number } } }).data.batches.count;
    const stats = await store.runCleaner();
    assert.ok(stats && stats.recordsDropped > 2000);
    const chunksAfter = (log as unknown as { data: { batches: { count: number } } }).data.batches.count;
    assert.equal(chunksBefore, 300);
    assert.ok(chunksAfter <= 2, `${chunksAfter} chunks left`);
    const r = await log.read(0, { maxBytes: 1 << 20, minOneBatch: true });
    const keys = r.chunks.flatMap((c) => decodeBatches(c)).flatMap((b) => b.records.map((rec) => rec.key!.toString()));
    assert.deepEqual(keys.filter((k) => k.startsWith('u')), Array.from({ length: 300 }, (_, a) => `u${a}`));
    assert.equal(keys.filter((k) => k === 'hot').length, 1);
  } finally {
    await store.close();
  }
});
