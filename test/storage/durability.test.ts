/**
 * Durability across SIGKILL: a child appends as fast as it can (8 appends in flight) and prints
 * each acknowledgement; it is killed mid-stream; every acknowledged batch must be readable after
 * reopening, with the right bytes at the right offset. Also: after an unclean stop, recovery only
 * validates what was written after the last flush.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FileLogStore } from '../../src/storage/file/file-store.js';
import type { FilePartitionLog } from '../../src/storage/file/partition-log.js';
import { batchBaseOffset } from '../../src/records/batch-header.js';
import { CHILD_TOPIC, childBatch, childLogConfig } from './fixtures/store-child.js';
import { withBaseOffset } from './batches.js';
import { readAll } from './conformance.js';
import { killHard, removeTempDirs, startChild, tempDir } from './file-helpers.js';

after(removeTempDirs);

describe('durability', () => {
  it('keeps every acknowledged append across kill -9', async () => {
    const dataDir = await tempDir();
    const child = startChild({ mode: 'durability', dataDir });
    await child.waitFor((lines) => lines.length >= 2000);
    await killHard(child);
    const acked = child.lines.filter((l) => l.startsWith('acked ')).map((l) => l.split(' ').map(Number).slice(1) as [number, number]);
    assert.ok(acked.length >= 2000);

    const store = await FileLogStore.open({ dataDir, tailCacheBytes: 0 });
    const log = (await store.openPartition(CHILD_TOPIC, 0, childLogConfig)) as FilePartitionLog;
    assert.ok(log.segmentBaseOffsets.length > 1, 'the run crossed segments');
    for (const [seed, baseOffset] of acked) {
      const r = await log.read(baseOffset, { maxBytes: 1, minOneBatch: true });
      assert.equal(r.chunks.length, 1, `acked seed ${seed} at ${baseOffset} is missing`);
      assert.equal(batchBaseOffset(r.chunks[0]!, 0), baseOffset);
      assert.deepEqual(r.chunks[0], withBaseOffset(childBatch(seed), baseOffset), `bytes of seed ${seed}`);
    }
    // Offsets are dense: the whole log reads back batch after batch.
    const all = await readAll(log);
    assert.ok(all.length >= acked.length);
    await store.close();
  });

  it('after kill -9, validates only the batches appended since the last flush', async () => {
    const dataDir = await tempDir();
    const child = startChild({ mode: 'recovery-point', dataDir, flushed: 600, unflushed: 40 });
    await child.waitFor((lines) => lines.some((l) => l.startsWith('ready ')));
    await killHard(child);
    const unflushedBytes = Number(child.lines.find((l) => l.startsWith('ready '))!.split(' ')[1]);

    const store = await FileLogStore.open({ dataDir });
    const log = (await store.openPartition(CHILD_TOPIC, 0, childLogConfig)) as FilePartitionLog;
    const report = store.recoveryReports[0]!;
    assert.equal(report.cleanShutdown, false);
    let flushedEnd = 0;
    for (let s = 0; s < 600; s++) flushedEnd += 1 + (s % 5);
    assert.equal(report.recoveryPointOffset, flushedEnd);
    assert.equal(report.bytesValidated, unflushedBytes, 'only the unflushed tail was validated');
    assert.ok(report.segmentCount > 3 && report.segmentsRecovered <= 2, JSON.stringify(report));
    assert.deepEqual(report.truncations, []);
    const all = await readAll(log);
    assert.equal(all.length, 640);
    for (const [s, b] of all.entries()) assert.deepEqual(b, withBaseOffset(childBatch(s), batchBaseOffset(b, 0)));
    await store.close();
  });
});
