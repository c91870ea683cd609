/**
 * Leased segment reads reuse pooled buffers: reading a log many times its size allocates only a
 * few buffers, what the reads return is the log's bytes, and every lease comes back.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { FileLogStore } from '../../src/storage/file/file-store.js';
import { ReadBufferPool } from '../../src/storage/file/read-buffer-pool.js';
import { defaultLogConfig } from '../../src/storage/types.js';
import { appendBatches } from './conformance.js';
import { makeSeededBatch, splitBatches } from './batches.js';
import { removeTempDirs, tempDir } from './file-helpers.js';

after(removeTempDirs);

test('the pool reuses released buffers of the same size and keeps at most maxIdleBytes idle', () => {
  const pool = new ReadBufferPool(256 * 1024);
  const a = pool.acquire(100_000);
  assert.equal(a.length, 128 * 1024, 'rounded up to a multiple of 64 KiB');
  pool.release(a);
  assert.equal(pool.acquire(70_000), a, 'same size class: the released buffer comes back');
  const b = pool.acquire(200 * 1024);
  const c = pool.acquire(200 * 1024);
  assert.equal(pool.leasedBytes, 128 * 1024 + 2 * 256 * 1024);
  pool.release(a);
  pool.release(b);
  pool.release(c); // over maxIdleBytes: left to the GC
  assert.equal(pool.leasedBytes, 0);
  assert.equal(pool.idleBytes, 128 * 1024);
});

test('catch-up reads of a log many times the pool size reuse a few buffers and return every lease', async () => {
  const store = await FileLogStore.open({ dataDir: await tempDir(), tailCacheBytes: 0, maxOpenSegmentsPerPartition: 1 });
  try {
    const log = await store.openPartition('pool', 0, { ...defaultLogConfig, segmentBytes: 1024 * 1024 });
    const written: Buffer[] = [];
    for (let i = 0; i < 64; i++) {
      const batch = makeSeededBatch(i, 10, 10_000);
      written.push(Buffer.from(batch));
      await appendBatches(log, [batch]);
    }
    const logBytes = written.reduce((n, b) => n + b.length, 0);
    const pool = store.readPool;
    let readBytes = 0;
    for (let pass = 0; pass < 4; pass++) {
      const seen: Buffer[] = [];
      for (let offset = 0; offset < log.logEndOffset; ) {
        const r = await log.read(offset, { maxBytes: 256 * 1024, minOneBatch: true, leased: true });
        assert.ok(r.release, 'a disk read that is leased comes with release()');
        for (const chunk of r.chunks) for (const b of splitBatches(chunk)) seen.push(Buffer.from(b));
        readBytes += r.bytes;
        offset += r.chunks.reduce((n, c) => n + splitBatches(c).length, 0) * 10;
        r.release();
      }
      assert.equal(seen.length, written.length);
      for (let i = 0; i < seen.length; i++) assert.ok(seen[i]!.subarray(12).equals(written[i]!.subarray(12)), `batch ${i} differs`);
    }
    assert.ok(readBytes >= 4 * logBytes);
    assert.equal(pool.leasedBytes, 0, 'every lease was returned');
    // 4 x 6 MiB read through 320 KiB buffers: one or two allocations, not one per read.
    assert.ok(pool.allocatedBytes <= 2 * 320 * 1024, `allocated ${pool.allocatedBytes} bytes for ${readBytes} bytes read`);

    const plain = await log.read(0, { maxBytes: 256 * 1024, minOneBatch: true });
    assert.equal(plain.release, undefined, 'reads not asking for a lease get their own buffer');
  } finally {
    await store.close();
  }
});
